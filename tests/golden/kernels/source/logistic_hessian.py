def kernel_rows(arg_X, arg_w, out_0):
    N = arg_X.shape[0]
    K = arg_X.shape[1]
    dtype = out_0.dtype
    acc_0 = np.zeros((K, K,), dtype=np.float64)
    low_0 = np.zeros((K, K,), dtype=np.float64)
    if N == 0:
        _finish_sum(acc_0, low_0, 1.0, N, out_0)
        return
    B = _rows_per_block(N, K, False, 256)
    b0 = np.empty((B, 1, 1), dtype=dtype)
    b1 = np.empty((B, 1, 1), dtype=dtype)
    n = B
    for start in range(0, N, B):
        stop = start + B
        if stop > N:
            stop = N
            n = N - start
            b0 = b0[:n, :, :]
            b1 = b1[:n, :, :]
        _row_dot(arg_X[start:stop, :, None], arg_w, b0)
        np.absolute(b0, out=b0)
        np.negative(b0, out=b0)
        np.exp(b0, out=b0)
        np.add(1.0, b0, out=b1)
        np.square(b1, out=b1)
        np.divide(b0, b1, out=b0)
        _accumulate(acc_0, low_0, b0, arg_X[start:stop, :, None], np.moveaxis(arg_X[start:stop, :, None], 1, 2))
    _finish_sum(acc_0, low_0, 1.0, N, out_0)
