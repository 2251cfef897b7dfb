/**
 * LinkedIn's Job Posting API throttles count per application, so every bot process of a deployment takes from one
 * budget: a row in Table Storage (`apibudget`), changed only with its ETag (of two processes taking at once, one
 * retries on the fresh row). The arithmetic is domain/jobPostingElements.ts `takeBudget`.
 */
import type { TableClient } from '@azure/data-tables';
import { EMPTY_BUDGET, LINKEDIN_LIMITS, takeBudget, type BudgetState, type ThrottleLimits } from '../domain/jobPostingElements';
import { isStatus } from './tables';

export const API_BUDGET_TABLE = 'apibudget';
const PARTITION = 'budget';
const ROW = 'jobPostingApi';
const MAX_TRIES = 20;

export type BudgetAnswer = { ok: true } | { ok: false; until: number };

export interface ApiBudget {
  /** Takes `records` job records and `requests` calls, or says (epoch ms) when they may go. */
  take(records: number, requests: number, now: number): Promise<BudgetAnswer>;
  /** LinkedIn said 429: no process sends before `until`. */
  block(until: number): Promise<void>;
}

interface BudgetEntity extends BudgetState {
  partitionKey: string;
  rowKey: string;
}

export class TableApiBudget implements ApiBudget {
  constructor(private readonly table: TableClient, private readonly limits: ThrottleLimits = LINKEDIN_LIMITS) {}

  take(records: number, requests: number, now: number): Promise<BudgetAnswer> {
    return this.change((state) => {
      const decision = takeBudget(state, records, requests, now, this.limits);
      return decision.ok ? { next: decision.state, answer: { ok: true } } : { answer: { ok: false, until: decision.until } };
    });
  }

  async block(until: number): Promise<void> {
    await this.change((state) => (state.blockedUntil >= until ? { answer: { ok: true } } : { next: { ...state, blockedUntil: until }, answer: { ok: true } }));
  }

  private async change(decide: (state: BudgetState) => { next?: BudgetState; answer: BudgetAnswer }): Promise<BudgetAnswer> {
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      const current = await this.read();
      const { next, answer } = decide(current?.state ?? EMPTY_BUDGET);
      if (!next) return answer;
      const entity: BudgetEntity = { partitionKey: PARTITION, rowKey: ROW, ...next };
      try {
        if (current) await this.table.updateEntity(entity, 'Replace', { etag: current.etag });
        else await this.table.createEntity(entity);
        return answer;
      } catch (error) {
        if (!isStatus(error, 412) && !isStatus(error, 409)) throw error;
      }
    }
    throw new Error('api budget: too much contention');
  }

  private async read(): Promise<{ state: BudgetState; etag: string } | undefined> {
    try {
      const e = await this.table.getEntity<BudgetEntity>(PARTITION, ROW);
      return { state: { tat: Number(e.tat), day: String(e.day ?? ''), dayRecords: Number(e.dayRecords), dayRequests: Number(e.dayRequests), blockedUntil: Number(e.blockedUntil) }, etag: e.etag };
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }
}
