/**
 * Jest `setupFiles`, run before each test file. @nestjs/throttler is CommonJS and require()s the
 * ESM-only @nestjs/common and @nestjs/core, which Node >= 24.9 allows (require(esm)) once those
 * modules are evaluated; if the first require() meets them still being linked by the test's own
 * import graph, it fails with "Cannot require() ES Module ... in a cycle". Loading them here
 * first settles that order once for every test file.
 */
import 'reflect-metadata';
import '@nestjs/common';
import '@nestjs/core';
