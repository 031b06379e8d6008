/**
 * The one way the studio loads ONNX Runtime (lint forbids importing onnxruntime-node anywhere else), because the
 * library phones home by default: onnxruntime-node 1.30 embeds Microsoft's telemetry client, which on the first
 * session writes a device id and an event queue under ~/.cache/Microsoft/DeveloperTools/.onnxruntime/ and, about
 * nine seconds later, looks up mobile.events.data.microsoft.com from a thread of its own to upload them.
 *
 * The only switch is the environment variable ORT_DISABLE_TELEMETRY, read from the process's environment when
 * the first session creates ORT's environment. Its JavaScript API offers none: no `env` flag, no session option,
 * and the C API's DisableTelemetryEvents is not bound. So this module sets the variable before it hands out the
 * library: in the CLI, the browser server, Electron's main process and the analysis process alike, and in every
 * child they start, which inherits it.
 */
import { isMainThread } from 'node:worker_threads';

// A worker thread's process.env is its own copy: setting it there never reaches the process environment ORT
// reads. A worker may use ORT only once its process's main thread has loaded this module (the copy then shows it).
if (!isMainThread && process.env.ORT_DISABLE_TELEMETRY !== '1') {
  throw new Error("ONNX Runtime must first be loaded on the process's main thread, which turns its telemetry off.");
}
process.env.ORT_DISABLE_TELEMETRY = '1';

export * from 'onnxruntime-node';
