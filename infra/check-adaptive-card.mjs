// Reads an Adaptive Card (JSON) on stdin and prints, as JSON, what
// Microsoft's own Adaptive Cards library (npm adaptivecards) finds wrong
// with it: {"parse": [...], "validation": [...]}, each a list of messages.
// The notify tests run it on every card tierline sends to Teams.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const AC = require("adaptivecards/dist/adaptivecards.js");

const card = new AC.AdaptiveCard();
const context = new AC.SerializationContext();
card.parse(JSON.parse(readFileSync(0, "utf8")), context);
const parse = [];
for (let i = 0; i < context.eventCount; i++) {
  parse.push(context.getEventAt(i).message);
}
const validation = card.validateProperties().validationEvents.map((e) => e.message);
process.stdout.write(JSON.stringify({ parse, validation, version: card.version ? card.version.toString() : "" }) + "\n");
