'use strict';
// Logging in the style of the real installers, which log with logrus to stderr: `INFO[0003] message`
// on a terminal, `time="…" level=info msg="…"` otherwise, one JSON object a line with --jsonlog.

const levels = { debug: 'DEBU', info: 'INFO', warning: 'WARN', error: 'ERRO', fatal: 'FATA' };

class Fatal extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

function quote(text) {
  return /^[A-Za-z0-9_./:@-]+$/.test(text) ? text : JSON.stringify(text);
}

function createLogger(options = {}) {
  const started = Date.now();
  const out = options.stream || process.stderr;
  const state = { json: Boolean(options.json), debug: Boolean(options.debug) };
  const write = (level, message) => {
    if (level === 'debug' && !state.debug) return;
    const text = String(message);
    const now = new Date();
    if (state.json) {
      out.write(`${JSON.stringify({ level, msg: text, time: now.toISOString() })}\n`);
    } else if (out.isTTY) {
      const seconds = String(Math.floor((Date.now() - started) / 1000)).padStart(4, '0');
      out.write(`${levels[level]}[${seconds}] ${text}\n`);
    } else {
      out.write(`time="${now.toISOString().replace(/\.\d+Z$/, 'Z')}" level=${level} msg=${quote(text)}\n`);
    }
  };
  return {
    configure(next) {
      if (next.json !== undefined) state.json = Boolean(next.json);
      if (next.debug !== undefined) state.debug = Boolean(next.debug);
    },
    debug: (m) => write('debug', m),
    info: (m) => write('info', m),
    warn: (m) => write('warning', m),
    error: (m) => write('error', m),
    /** Logs at fatal level; the caller exits with `exitCode`. */
    fatal: (m) => write('fatal', m),
  };
}

module.exports = { createLogger, Fatal };
