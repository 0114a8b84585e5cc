def kernel_rows(arg_logits, arg_labels, arg_divisor, out_0, out_1):
    N = arg_logits.shape[0]
    K = arg_logits.shape[1]
    dtype = out_0.dtype
    if N == 0:
        return
    B = _rows_per_block(N, K ** 1, False)
    b0 = np.empty((B, 1), dtype=np.intp)
    b1 = np.empty((B, K), dtype=dtype)
    b2 = np.empty((B, K), dtype=dtype)
    b3 = np.empty((B, K), dtype=dtype)
    b4 = np.empty((B, 1), dtype=dtype)
    n = B
    for start in range(0, N, B):
        stop = start + B
        if stop > N:
            stop = N
            n = N - start
            b0 = b0[:n, :]
            b1 = b1[:n, :]
            b2 = b2[:n, :]
            b3 = b3[:n, :]
            b4 = b4[:n, :]
        o0 = out_0[start:stop, :]
        np.argmax(arg_logits[start:stop, :], axis=1, keepdims=True, out=b0)
        r4 = _take(arg_logits[start:stop, :], b0, 1)
        _exp_shifted(arg_logits[start:stop, :], r4, b1, b2, b3, 1, 0)
        _plus_at(b1, arg_labels[start:stop, None], 1.0, b3, 1, -1.0)
        _sum_except(b1, b0, b4, 1)
        _plus_at(b3, arg_labels[start:stop, None], b4, b3, 1, -1.0)
        np.add(1.0, b4, out=b4)
        np.multiply(arg_divisor, b4, out=b4)
        np.divide(b3, b4, out=o0)
        np.copyto(out_1[start:stop], r4[:, 0])

def kernel_columns(arg_logits, arg_labels, arg_divisor, out_0, out_1):
    N = arg_logits.shape[0]
    K = arg_logits.shape[1]
    dtype = out_0.dtype
    if N == 0:
        return
    B = _rows_per_block(N, K ** 1, True)
    r10 = (K - np.arange(K, dtype=np.uint8)).reshape(K, 1)
    b0 = np.empty((K, B), dtype=dtype)
    b1 = np.empty((1, B), dtype=dtype)
    b2 = np.empty((K, B), dtype=dtype)
    b3 = np.empty((K, B), dtype=dtype)
    b4 = np.empty((K, B), dtype=dtype)
    b5 = np.empty((K, B), dtype=np.bool_)
    b6 = np.empty((K, B), dtype=np.uint8)
    b7 = np.empty((1, B), dtype=np.uint8)
    b8 = np.empty((1, B), dtype=np.intp)
    b9 = np.empty((1, B), dtype=dtype)
    n = B
    for start in range(0, N, B):
        stop = start + B
        if stop > N:
            stop = N
            n = N - start
            b0 = b0[:, :n]
            b1 = b1[:, :n]
            b2 = b2[:, :n]
            b3 = b3[:, :n]
            b4 = b4[:, :n]
            b5 = b5[:, :n]
            b6 = b6[:, :n]
            b7 = b7[:, :n]
            b8 = b8[:, :n]
            b9 = b9[:, :n]
        np.copyto(b0, arg_logits[start:stop].T[:, :])
        np.maximum.reduce(b0, axis=0, keepdims=True, out=b1)
        _exp_shifted(b0, b1, b2, b3, b4, 0, 1)
        _plus_at(b2, arg_labels[None, start:stop], 1.0, b4, 0, -1.0)
        np.equal(b0, b1, out=b5)
        np.multiply(b5.view(np.uint8), r10, out=b6)
        np.maximum.reduce(b6, axis=0, keepdims=True, out=b7)
        np.subtract(K, b7, out=b8)
        np.minimum(b8, K - 1, out=b8)
        _sum_except(b2, b8, b9, 0)
        _plus_at(b4, arg_labels[None, start:stop], b9, b4, 0, -1.0)
        np.add(1.0, b9, out=b9)
        np.multiply(arg_divisor, b9, out=b9)
        np.divide(b4, b9, out=b4)
        np.copyto(out_0[start:stop], np.moveaxis(b4[:, :], -1, 0))
        np.copyto(out_1[start:stop], np.moveaxis(b1[0, :], -1, 0))
