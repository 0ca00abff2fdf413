// Sparse vectors and row-compressed matrices over typed arrays: the classifier's input format.

/** A sparse vector: feature ids ascending, with their values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

/** Rows of sparse vectors packed end to end (CSR): row `r` is `offsets[r]..offsets[r + 1]`. */
export interface SparseMatrix {
  rows: number;
  offsets: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** Packs vectors into one CSR matrix. */
export function packRows(vectors: readonly SparseVector[]): SparseMatrix {
  const offsets = new Int32Array(vectors.length + 1);
  let nnz = 0;
  vectors.forEach((v, r) => {
    nnz += v.indices.length;
    offsets[r + 1] = nnz;
  });
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  vectors.forEach((v, r) => {
    const at = offsets[r] as number;
    indices.set(v.indices, at);
    values.set(v.values, at);
  });
  return { rows: vectors.length, offsets, indices, values };
}
