/**
 * Pulls up to `depth` items ahead of the consumer. ONNX Runtime's runs are synchronous, so while a frame is being
 * analysed nothing reads ffmpeg's pipe and ffmpeg stalls once the pipe is full; reading ahead between runs lets
 * ffmpeg decode the next frames while the models work on this one.
 */
export async function* readAhead<T>(source: AsyncIterator<T> & AsyncIterable<T>, depth: number): AsyncGenerator<T> {
  const buffered: Promise<IteratorResult<T>>[] = [];
  let finished = false;
  const fill = () => {
    while (!finished && buffered.length < depth) {
      const next = source.next();
      buffered.push(next);
      void next.then(
        (r) => {
          if (r.done) finished = true;
        },
        () => {
          finished = true;
        },
      );
    }
  };
  try {
    for (;;) {
      fill();
      const result = await (buffered.shift() as Promise<IteratorResult<T>>);
      if (result.done) return;
      yield result.value;
    }
  } finally {
    // Stopped early: let the source clean up (kill ffmpeg) once its queued reads settle.
    await Promise.allSettled(buffered);
    await source.return?.(undefined);
  }
}
