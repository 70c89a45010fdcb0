/**
 * A small parameter registry: named tf.Variables in a fixed insertion order. The order is
 * the contract for the optimiser's moments and the checkpoint's blobs, so a model built
 * from the same config always lists the same names in the same order.
 */
import * as tf from '@tensorflow/tfjs';

export interface NamedParam {
  name: string;
  variable: tf.Variable;
}

export class ParamRegistry {
  private readonly items: NamedParam[] = [];
  private readonly byName = new Map<string, tf.Variable>();

  /** Registers a trainable variable initialised from `values` (row-major, `shape`). */
  add(name: string, shape: number[], values: Float32Array): tf.Variable {
    if (this.byName.has(name)) throw new Error(`ParamRegistry.add: parameter "${name}" is registered twice`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (values.length !== size) {
      throw new Error(`ParamRegistry.add: "${name}" has ${values.length} values for shape [${shape}] (needs ${size})`);
    }
    // Unnamed tf variables: tfjs names are process-global and two models may coexist.
    const init = tf.tensor(values, shape, 'float32');
    const variable = tf.variable(init, true);
    init.dispose(); // the variable holds its own reference to the data

    this.items.push({ name, variable });
    this.byName.set(name, variable);
    return variable;
  }

  get(name: string): tf.Variable {
    const v = this.byName.get(name);
    if (!v) throw new Error(`ParamRegistry: no parameter named "${name}"`);
    return v;
  }

  /** Parameters in registration order. */
  list(): readonly NamedParam[] {
    return this.items;
  }

  variables(): tf.Variable[] {
    return this.items.map((p) => p.variable);
  }

  /** Total number of scalar parameters. */
  count(): number {
    return this.items.reduce((n, p) => n + p.variable.size, 0);
  }

  dispose(): void {
    for (const p of this.items) p.variable.dispose();
    this.items.length = 0;
    this.byName.clear();
  }
}
