/** Freezes `value` and everything in it. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    // Indexed loops rather than Object.values: no array of values is built for every object and array.
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
    else {
      const keys = Object.keys(value);
      for (let i = 0; i < keys.length; i++) deepFreeze((value as { [key: string]: unknown })[keys[i]!]);
    }
  }
  return value;
}
