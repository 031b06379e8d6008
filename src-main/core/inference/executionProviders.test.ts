import type * as ort from './onnxRuntime';
import { describe, expect, it } from 'vitest';
import { providerChain, SessionFactory, type CreateSession } from './executionProviders';

describe('execution providers', () => {
  it('tries the platform accelerator before the CPU', () => {
    expect(providerChain('linux')).toEqual(['cuda', 'cpu']);
    expect(providerChain('win32')).toEqual(['dml', 'cpu']);
    expect(providerChain('darwin')).toEqual(['coreml', 'cpu']);
    expect(providerChain('freebsd')).toEqual(['cpu']);
  });

  it('falls back when a provider throws, reports why, and does not retry it for the next model', async () => {
    const calls: string[] = [];
    const create: CreateSession = async (file, options) => {
      const provider = String(options.executionProviders?.[0]);
      calls.push(`${file}:${provider}`);
      if (provider === 'cuda') throw new Error('Failed to load shared library\nstack...');
      return { provider } as unknown as ort.InferenceSession;
    };
    const factory = new SessionFactory({ chain: ['cuda', 'cpu'], create });
    const first = await factory.open('a.onnx');
    expect(first.provider).toBe('cpu');
    expect(first.failed).toEqual([{ provider: 'cuda', error: 'Failed to load shared library' }]);
    const second = await factory.open('b.onnx');
    expect(second).toMatchObject({ provider: 'cpu', failed: [{ provider: 'cuda' }] });
    expect(calls).toEqual(['a.onnx:cuda', 'a.onnx:cpu', 'b.onnx:cpu']);
  });

  it('uses one intra-op thread per session by default', async () => {
    let threads: number | undefined;
    const factory = new SessionFactory({
      chain: ['cpu'],
      create: async (_file, options) => {
        threads = options.intraOpNumThreads;
        return {} as ort.InferenceSession;
      },
    });
    await factory.open('a.onnx');
    expect(threads).toBe(1);
  });

  it('passes on the error when even the CPU cannot load the file', async () => {
    const factory = new SessionFactory({ chain: ['cpu'], create: async () => Promise.reject(new Error('Protobuf parsing failed.')) });
    await expect(factory.open('x.onnx')).rejects.toThrow('Protobuf parsing failed.');
  });
});
