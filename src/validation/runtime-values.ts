/**
 * The values ajv's generated code calls that are not code (the custom keywords' checks), made so
 * that the same code can be written to disk and loaded later (compiled-cache.ts).
 *
 * A keyword never hands ajv a bare closure: it names a factory and the JSON data the factory
 * builds the value from. While compiling, the value is built at once and the generated code
 * refers to it as `runtime.value(i)`; when the code is loaded from the cache, `runtime.value(i)`
 * builds entry i from its recorded data with the same factory, once.
 */
import { _ } from 'ajv/dist/compile/codegen/index.js';
import type { Code, CodeOptions } from 'ajv';

/** Builds one runtime value from JSON data. */
export type Factory = (data: never) => unknown;
export type Factories = Record<string, Factory>;

export interface RuntimeValueEntry {
  factory: string;
  data: unknown;
}

/** What generated code sees as `runtime` when it is loaded from the cache. */
export interface LoadedRuntime {
  value(index: number): unknown;
  regExp: NonNullable<CodeOptions['regExp']>;
}

export class RuntimeValues {
  readonly entries: RuntimeValueEntry[] = [];

  constructor(private readonly factories: Factories) {}

  /** The value `factory` builds from `data`, and the code that stands for it in generated code; undefined values are not recorded. */
  make<T>(factory: string, data: unknown): { value: T; code: Code } | undefined {
    const value = this.build(factory, data) as T | undefined;
    if (value === undefined) return undefined;
    const index = this.entries.push({ factory, data }) - 1;
    return { value, code: _`runtime.value(${index})` };
  }

  /** The runtime for code loaded with these recorded entries: each value is built once, when the code asks for it (as it loads). */
  loaded(entries: RuntimeValueEntry[], regExp: LoadedRuntime['regExp']): LoadedRuntime {
    const made: unknown[] = [];
    return {
      value: (index) => {
        if (!(index in made)) {
          const entry = entries[index];
          if (!entry) throw new Error(`compiled validator refers to runtime value ${index}, which its cache entry does not hold`);
          made[index] = this.build(entry.factory, entry.data);
        }
        return made[index];
      },
      regExp,
    };
  }

  private build(factory: string, data: unknown): unknown {
    const make = this.factories[factory];
    if (!make) throw new Error(`no runtime value factory named ${factory}`);
    return make(data as never);
  }
}
