/**
 * ONNX Runtime sessions on the best execution provider this machine has. ORT throws when a requested provider
 * cannot start (missing CUDA libraries, no GPU) instead of falling back, so each provider is tried on its own and
 * its failure is kept, to be shown to the user next to the one that is in use.
 */
import * as ort from './onnxRuntime';

export type ExecutionProvider = 'cuda' | 'dml' | 'coreml' | 'cpu';

export interface ProviderAttempt {
  provider: ExecutionProvider;
  error: string;
}

export interface ProviderSession {
  session: ort.InferenceSession;
  provider: ExecutionProvider;
  /** Providers tried before the one in use, with the reason each failed. */
  failed: ProviderAttempt[];
}

/** The accelerator onnxruntime-node 1.30 can offer on each platform, then the CPU, which always works. */
export function providerChain(platform: NodeJS.Platform = process.platform): ExecutionProvider[] {
  switch (platform) {
    case 'linux':
      return ['cuda', 'cpu'];
    case 'win32':
      return ['dml', 'cpu'];
    case 'darwin':
      return ['coreml', 'cpu'];
    default:
      return ['cpu'];
  }
}

export type CreateSession = (file: string, options: ort.InferenceSession.SessionOptions) => Promise<ort.InferenceSession>;

export interface SessionFactoryOptions {
  chain?: readonly ExecutionProvider[];
  /**
   * Intra-op threads per session. One: on the 2-core machines measured (docs/notes/models.md) one thread per session
   * beat two, and the pipeline keeps the other core busy with decoding and crops.
   */
  intraOpThreads?: number;
  /** Injected in tests to simulate a provider that fails; ORT's own factory otherwise. */
  create?: CreateSession;
}

/**
 * Creates sessions along the provider chain. A provider that failed once is not tried again for the next model
 * (the CUDA libraries will not appear in between), but a provider that works for one model may still reject
 * another (an unsupported op), so every model walks the remaining chain.
 */
export class SessionFactory {
  private readonly chain: readonly ExecutionProvider[];
  private readonly threads: number;
  private readonly create: CreateSession;
  private readonly unavailable = new Map<ExecutionProvider, string>();

  constructor(options: SessionFactoryOptions = {}) {
    this.chain = options.chain ?? providerChain();
    this.threads = options.intraOpThreads ?? 1;
    this.create = options.create ?? ((file, opts) => ort.InferenceSession.create(file, opts));
  }

  async open(file: string): Promise<ProviderSession> {
    const failed: ProviderAttempt[] = [...this.unavailable].map(([provider, error]) => ({ provider, error }));
    let lastError: unknown;
    for (const provider of this.chain) {
      if (this.unavailable.has(provider)) continue;
      try {
        const session = await this.create(file, {
          executionProviders: [provider],
          intraOpNumThreads: this.threads,
          interOpNumThreads: 1,
          graphOptimizationLevel: 'all',
          // An accelerator that is absent logs an ORT error line on stderr; its reason is kept in `failed`.
          logSeverityLevel: provider === 'cpu' ? 2 : 4,
        });
        return { session, provider, failed };
      } catch (error) {
        lastError = error;
        const message = firstLine(error);
        failed.push({ provider, error: message });
        // The CPU provider failing means the file itself is bad: that is the model's fault, not the machine's.
        if (provider !== 'cpu') this.unavailable.set(provider, message);
      }
    }
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? text).trim();
}
