// Builds the passes benchmarks/pkpass_throughput.py --peer writes into a folder with passkit-generator,
// as its README shows (new PKPass(buffers, certificates).getAsBuffer()), and prints one JSON line.
// Usage: node passkit_generator.mjs FOLDER   (FOLDER: passes.jsonl, the images, pass.pem, pass.key, wwdr.pem)
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PKPass } from "passkit-generator";

const folder = process.argv[2];
const read = (name) => readFileSync(join(folder, name));
const certificates = { signerCert: read("pass.pem"), signerKey: read("pass.key"), wwdr: read("wwdr.pem") };
const images = Object.fromEntries(
  readdirSync(folder).filter((name) => name.endsWith(".png")).map((name) => [name, read(name)]),
);
const documents = read("passes.jsonl").toString("utf8").split("\n").filter((line) => line.length > 0);
const build = (document) =>
  new PKPass({ "pass.json": Buffer.from(document, "utf8"), ...images }, certificates).getAsBuffer();

const warmUp = Math.min(20, documents.length);
for (let index = 0; index < warmUp; index += 1) build(documents[index]);
writeFileSync(join(folder, "sample.pkpass"), build(documents[0]));

const started = process.cpuUsage();
const wallStarted = process.hrtime.bigint();
for (const document of documents) build(document);
const cpu = process.cpuUsage(started);
const wallSeconds = Number(process.hrtime.bigint() - wallStarted) / 1e9;
const manifest = new URL("./node_modules/passkit-generator/package.json", import.meta.url);
const version = JSON.parse(readFileSync(manifest, "utf8")).version;
console.log(
  JSON.stringify({
    passes: documents.length,
    cpu_seconds: (cpu.user + cpu.system) / 1e6,
    wall_seconds: wallSeconds,
    version,
    node: process.version,
  }),
);
