namespace WasmNN.Kernels.Tests;

/// <summary>
/// Plain scalar C# implementations of every kernel, written from the documented semantics (not from the generator):
/// the independent source every kernel test compares against. Floating-point products and convolutions accumulate
/// in double.
/// </summary>
internal static class ReferenceOps
{
    public static T Binary<T>(BinaryOperation operation, T a, T b) => (T)(object)(a switch
    {
        float x => (object)BinaryFloat(operation, x, (float)(object)b!),
        int x => (object)BinaryInt32(operation, x, (int)(object)b!),
        sbyte x => (object)BinaryInt8(operation, x, (sbyte)(object)b!),
        _ => throw new NotSupportedException(),
    });

    public static float BinaryFloat(BinaryOperation operation, float a, float b) => operation switch
    {
        BinaryOperation.Add => a + b,
        BinaryOperation.Sub => a - b,
        BinaryOperation.Mul => a * b,
        BinaryOperation.Div => a / b,
        BinaryOperation.Max => MathF.Max(a, b),
        _ => MathF.Min(a, b),
    };

    /// <summary>Two's-complement wrapping; division truncates.</summary>
    public static int BinaryInt32(BinaryOperation operation, int a, int b) => operation switch
    {
        BinaryOperation.Add => unchecked(a + b),
        BinaryOperation.Sub => unchecked(a - b),
        BinaryOperation.Mul => unchecked(a * b),
        BinaryOperation.Div => a / b,
        BinaryOperation.Max => Math.Max(a, b),
        _ => Math.Min(a, b),
    };

    /// <summary>The exact result saturated to [-128, 127].</summary>
    public static sbyte BinaryInt8(BinaryOperation operation, sbyte a, sbyte b) => Saturate(operation switch
    {
        BinaryOperation.Add => a + b,
        BinaryOperation.Sub => a - b,
        BinaryOperation.Mul => a * b,
        BinaryOperation.Div => a / b,
        BinaryOperation.Max => Math.Max(a, b),
        _ => Math.Min(a, b),
    });

    public static sbyte Saturate(int value) => (sbyte)Math.Clamp(value, sbyte.MinValue, sbyte.MaxValue);

    public static T Unary<T>(UnaryOperation operation, T x) => (T)(object)(x switch
    {
        float v => (object)(operation switch
        {
            UnaryOperation.Relu => MathF.Max(v, 0f),
            UnaryOperation.Neg => -v,
            UnaryOperation.Abs => MathF.Abs(v),
            UnaryOperation.Sigmoid => (float)(1 / (1 + Math.Exp(-v))),
            UnaryOperation.Sin => (float)Math.Sin(v),
            UnaryOperation.Cos => (float)Math.Cos(v),
            _ => (float)Math.Tanh(v),
        }),
        int v => (object)(operation switch
        {
            UnaryOperation.Relu => Math.Max(v, 0),
            UnaryOperation.Neg => unchecked(-v),
            _ => v == int.MinValue ? int.MinValue : Math.Abs(v),
        }),
        sbyte v => (object)(operation switch
        {
            UnaryOperation.Relu => (sbyte)Math.Max(v, (sbyte)0),
            UnaryOperation.Neg => Saturate(-v),
            _ => Saturate(Math.Abs((int)v)),
        }),
        _ => throw new NotSupportedException(),
    });

    /// <summary>NumPy broadcasting by index arithmetic: each output index maps to an input index with size-1 axes pinned to 0.</summary>
    public static T[] Broadcast<T>(BinaryOperation operation, T[] a, int[] aShape, T[] b, int[] bShape, out int[] outputShape)
    {
        int rank = Math.Max(aShape.Length, bShape.Length);
        int[] aPadded = [.. Enumerable.Repeat(1, rank - aShape.Length), .. aShape];
        int[] bPadded = [.. Enumerable.Repeat(1, rank - bShape.Length), .. bShape];
        outputShape = [.. Enumerable.Range(0, rank).Select(i => Math.Max(aPadded[i], bPadded[i]))];
        var result = new T[TestData.Product(outputShape)];
        var index = new int[rank];
        for (int flat = 0; flat < result.Length; flat++)
        {
            int rest = flat;
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                index[axis] = rest % outputShape[axis];
                rest /= outputShape[axis];
            }
            int ai = 0, bi = 0;
            for (int axis = 0; axis < rank; axis++)
            {
                ai = ai * aPadded[axis] + (aPadded[axis] == 1 ? 0 : index[axis]);
                bi = bi * bPadded[axis] + (bPadded[axis] == 1 ? 0 : index[axis]);
            }
            result[flat] = Binary(operation, a[ai], b[bi]);
        }
        return result;
    }

    public static double[] MatMul(float[] a, float[] b, int m, int k, int n, out double[] magnitude)
    {
        var c = new double[m * n];
        magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, size = 0;
                for (int p = 0; p < k; p++)
                {
                    sum += (double)a[i * k + p] * b[p * n + j];
                    size += Math.Abs((double)a[i * k + p] * b[p * n + j]);
                }
                c[i * n + j] = sum;
                magnitude[i * n + j] = size;
            }
        }
        return c;
    }

    public static int[] MatMulInt8(sbyte[] a, sbyte[] b, int m, int k, int n)
    {
        var c = new int[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                int sum = 0;
                for (int p = 0; p < k; p++) sum += a[i * k + p] * b[p * n + j];
                c[i * n + j] = sum;
            }
        }
        return c;
    }

    /// <summary>Direct NCHW convolution (no im2col), zero padding.</summary>
    public static double[] Conv2d(float[] x, float[] w, float[]? bias, int n, int c, int h, int wIn, int k, int r, int s,
        int strideH, int strideW, int padH, int padW, out int oh, out int ow)
    {
        oh = (h + 2 * padH - r) / strideH + 1;
        ow = (wIn + 2 * padW - s) / strideW + 1;
        var y = new double[n * k * oh * ow];
        for (int img = 0; img < n; img++)
        for (int oc = 0; oc < k; oc++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            double sum = bias?[oc] ?? 0;
            for (int ic = 0; ic < c; ic++)
            for (int ky = 0; ky < r; ky++)
            for (int kx = 0; kx < s; kx++)
            {
                int iy = oy * strideH - padH + ky, ix = ox * strideW - padW + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wIn) continue;
                sum += (double)x[((img * c + ic) * h + iy) * wIn + ix] * w[((oc * c + ic) * r + ky) * s + kx];
            }
            y[((img * k + oc) * oh + oy) * ow + ox] = sum;
        }
        return y;
    }

    public static double[] Pool2d(float[] x, int planes, int h, int w, int r, int s, int stride, int pad, bool average, bool countIncludePad)
    {
        int oh = (h + 2 * pad - r) / stride + 1, ow = (w + 2 * pad - s) / stride + 1;
        var y = new double[planes * oh * ow];
        for (int p = 0; p < planes; p++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            double acc = average ? 0 : double.NegativeInfinity;
            int count = 0;
            for (int ky = 0; ky < r; ky++)
            for (int kx = 0; kx < s; kx++)
            {
                int iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                float v = x[(p * h + iy) * w + ix];
                acc = average ? acc + v : Math.Max(acc, v);
                count++;
            }
            y[(p * oh + oy) * ow + ox] = average ? acc / (countIncludePad ? r * s : count) : acc;
        }
        return y;
    }

    public static double[] Softmax(float[] x, int rows, int cols)
    {
        var y = new double[x.Length];
        for (int row = 0; row < rows; row++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < cols; j++) max = Math.Max(max, x[row * cols + j]);
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += Math.Exp(x[row * cols + j] - max);
            for (int j = 0; j < cols; j++) y[row * cols + j] = Math.Exp(x[row * cols + j] - max) / sum;
        }
        return y;
    }
}
