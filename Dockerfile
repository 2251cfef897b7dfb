# syntax=docker/dockerfile:1
# The bot as a container (Azure Container Apps, or any container host). README, "Deploy to Azure", shows how to run it.
# The runtime stage holds what `npm run stage` puts in a folder: package*.json, dist/src, cards/, and production
# dependencies only. No env/ files: settings come from the container's environment.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY cards ./cards
# The node image's unprivileged user; the app writes nothing to its own files.
USER node
ENV PORT=3978
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3978) + '/livez').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--disable-warning=DEP0111", "dist/src/index.js"]
