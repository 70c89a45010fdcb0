/**
 * h5wasm, loaded on first use: importing it compiles the HDF5 library's wasm (~0.3 s
 * measured), which a CLI listing runs or printing help should not pay for.
 */
export type H5wasm = typeof import('h5wasm/node').default;

let loading: Promise<H5wasm> | null = null;

export function loadH5wasm(): Promise<H5wasm> {
  loading ??= import('h5wasm/node').then(async ({ default: h5wasm }) => {
    const module = (await h5wasm.ready) as unknown as { activate_throwing_error_handler?: () => void };
    // The HDF5 library then throws its error stack instead of printing it ("HDF5-DIAG: Error
    // detected…" on the user's terminal, then a bare "name not defined!"); hdf5-reader reads it.
    module.activate_throwing_error_handler?.();
    return h5wasm;
  });
  return loading;
}
