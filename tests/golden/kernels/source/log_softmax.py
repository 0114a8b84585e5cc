def kernel_rows(arg_logits, out_0, out_1):
    N = arg_logits.shape[0]
    K = arg_logits.shape[1]
    dtype = out_0.dtype
    if N == 0:
        return
    B = _rows_per_block(N, K ** 1, False)
    b0 = np.empty((B, 1), dtype=np.intp)
    b1 = np.empty((B, K), dtype=dtype)
    b2 = np.empty((B, 1), dtype=dtype)
    b3 = np.empty((B, K), dtype=dtype)
    b4 = np.empty((B, K), dtype=dtype)
    b5 = np.empty((B, K), dtype=dtype)
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
            b5 = b5[:n, :]
        o0 = out_0[start:stop, :]
        np.argmax(arg_logits[start:stop, :], axis=1, keepdims=True, out=b0)
        r3 = _take(arg_logits[start:stop, :], b0, 1)
        np.subtract(arg_logits[start:stop, :], r3, out=b1)
        _rest_of_exp(arg_logits[start:stop, :], r3, b0, b2, b3, b4, b5, 1, 0)
        np.log1p(b2, out=b2)
        np.subtract(b1, b2, out=o0)
        np.copyto(out_1[start:stop], r3[:, 0])

def kernel_columns(arg_logits, out_0, out_1):
    N = arg_logits.shape[0]
    K = arg_logits.shape[1]
    dtype = out_0.dtype
    if N == 0:
        return
    B = _rows_per_block(N, K ** 1, True)
    r5 = (K - np.arange(K, dtype=np.uint8)).reshape(K, 1)
    b0 = np.empty((K, B), dtype=dtype)
    b1 = np.empty((1, B), dtype=dtype)
    b2 = np.empty((K, B), dtype=dtype)
    b3 = np.empty((K, B), dtype=np.bool_)
    b4 = np.empty((K, B), dtype=np.uint8)
    b5 = np.empty((1, B), dtype=np.uint8)
    b6 = np.empty((1, B), dtype=np.intp)
    b7 = np.empty((1, B), dtype=dtype)
    b8 = np.empty((K, B), dtype=dtype)
    b9 = np.empty((K, B), dtype=dtype)
    b10 = np.empty((K, B), dtype=dtype)
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
            b10 = b10[:, :n]
        np.copyto(b0, arg_logits[start:stop].T[:, :])
        np.maximum.reduce(b0, axis=0, keepdims=True, out=b1)
        np.subtract(b0, b1, out=b2)
        np.equal(b0, b1, out=b3)
        np.multiply(b3.view(np.uint8), r5, out=b4)
        np.maximum.reduce(b4, axis=0, keepdims=True, out=b5)
        np.subtract(K, b5, out=b6)
        np.minimum(b6, K - 1, out=b6)
        _rest_of_exp(b0, b1, b6, b7, b8, b9, b10, 0, 1)
        np.log1p(b7, out=b7)
        np.subtract(b2, b7, out=b2)
        np.copyto(out_0[start:stop], np.moveaxis(b2[:, :], -1, 0))
        np.copyto(out_1[start:stop], np.moveaxis(b1[0, :], -1, 0))
