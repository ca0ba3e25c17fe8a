// Runs a state machine definition in aws-local-stepfunctions (node >= 22)
// for functions/escalate's tests, and reports what happened as JSON lines:
//   node local-sfn.mjs DEFINITION.json < input
// The first line of stdin is the execution input; a later line "abort"
// stops the execution, as StopExecution does on AWS. Each event of the
// execution log is printed as {"event": {...}}, then the end as
// {"result": ...} or {"error": {"name", "message"}}. LOCAL_SFN_MODULE is the
// path of the package's ESM build; Lambda tasks reach AWS_ENDPOINT_URL_LAMBDA.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const { StateMachine } = await import(pathToFileURL(process.env.LOCAL_SFN_MODULE).href);
const definition = JSON.parse(readFileSync(process.argv[2], "utf8"));
const print = (v) => process.stdout.write(JSON.stringify(v) + "\n");

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const first = await lines.next();
const machine = new StateMachine(definition);
const execution = machine.run(JSON.parse(first.value), { noThrowOnAbort: true });
(async () => {
  for await (const line of lines) {
    if (line.trim() === "abort") execution.abort();
  }
})();

const logged = (async () => {
  for await (const event of execution.eventLogs) print({ event });
})();
try {
  const result = await execution.result;
  await logged;
  print({ result });
} catch (err) {
  await logged;
  print({ error: { name: err.name, message: err.message } });
}
process.exit(0);
