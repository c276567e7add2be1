#!/usr/bin/env node
// The mpm-monitor command: runs the compiled monitor (npm run build, or npm install, creates dist/).
import { main } from '../dist/monitor/cli.js';

process.exitCode = await main(process.argv.slice(2));
