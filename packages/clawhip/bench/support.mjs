// Child processes the clawhip benchmarks load: a local webhook, and servers that print their URL.
import { spawn } from "node:child_process";

// A Discord webhook stand-in: 204 for every POST; prints its count when asked on stdin.
export const WEBHOOK = `
const { createServer } = require("node:http");
let delivered = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => { delivered += 1; res.writeHead(204).end(); });
});
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ url: "http://127.0.0.1:" + server.address().port })));
process.stdin.on("data", () => console.log(JSON.stringify({ delivered })));
`;

/** Starts `command args` and resolves once it printed its first line, `{"url": …}`. */
export function startChild(command, args, stdin = "ignore") {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: [stdin, "pipe", "ignore"] });
    let out = "";
    const onData = (chunk) => {
      out += chunk;
      if (!out.includes("\n")) return;
      child.stdout.off("data", onData);
      resolvePromise({ child, url: JSON.parse(out.split("\n")[0]).url });
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${args.join(" ").slice(0, 60)} exited with ${code}`)));
  });
}

export function stopChild(child) {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null) return resolvePromise();
    child.removeAllListeners("exit");
    child.once("exit", () => resolvePromise());
    child.kill();
  });
}
