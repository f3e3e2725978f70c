#!/usr/bin/env node
// Exists before the build so pnpm can link the bin at install; the server itself is built to dist/.
import "../dist/main.js";
