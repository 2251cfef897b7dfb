import type { Server } from 'node:http';

export interface RequestTracker {
  /** Requests received and not yet answered. */
  inFlight(): number;
  /**
   * Stops accepting connections, lets the requests in flight finish (answers from now on say `Connection: close`),
   * then closes every connection. Resolves true when all finished before `deadline` (ms since the epoch).
   */
  drain(deadline: number): Promise<boolean>;
}

export function trackRequests(server: Server): RequestTracker {
  let active = 0;
  let closing = false;
  let idle: (() => void) | undefined;
  server.on('request', (_req, res) => {
    active++;
    if (closing) res.setHeader('Connection', 'close');
    res.once('close', () => {
      active--;
      if (active === 0) idle?.();
    });
  });
  return {
    inFlight: () => active,
    drain: async (deadline) => {
      closing = true;
      server.close();
      server.closeIdleConnections();
      if (active > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
          idle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      const finished = active === 0;
      server.closeAllConnections();
      return finished;
    }
  };
}
