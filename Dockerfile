# soakstorm CLI image: build on the full Node image, run on Alpine as the unprivileged "node" user.
# Build:  docker build -t soakstorm:0.1.0 .
# Run:    docker run --rm --ulimit nofile=65536:65536 -v "$PWD/results:/results" soakstorm:0.1.0 run ws://host:8080/ --out /results
FROM node:20-alpine AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --ignore-scripts
COPY src ./src
COPY test ./test
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

FROM node:20-alpine
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist/src ./dist/src
# Results go to a volume the "node" user (uid 1000) can write.
RUN mkdir /results && chown node:node /results
USER node
VOLUME ["/results"]
ENTRYPOINT ["node", "/app/dist/src/cli/main.js"]
CMD ["--help"]
