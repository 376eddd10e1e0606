// Stands in for readable-stream (v3) in the built command line: the same classes, from Node.
"use strict";
module.exports = require("node:stream");
