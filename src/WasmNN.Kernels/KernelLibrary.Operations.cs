using WasmNN.Kernels.Frontend;

namespace WasmNN.Kernels;

public sealed partial class KernelLibrary
{
    internal WasmTensor<T> Binary<T>(BinaryOperation operation, WasmTensor<T> a, WasmTensor<T> b) where T : unmanaged
    {
        CheckOwned(a);
        CheckOwned(b);
        var plan = BroadcastPlan.Create(a.Shape, b.Shape);
        var kernel = Kernel(KernelCatalog.BinaryName(operation, a.ElementType));
        return Run(Empty<T>(plan.OutputShape), y => BinaryCalls(kernel, plan, a, b, y));
    }

    private static void BinaryCalls<T>(BoundKernel kernel, BroadcastPlan plan, WasmTensor<T> a, WasmTensor<T> b, WasmTensor<T> y) where T : unmanaged
    {
        int size = a.ElementType.SizeInBytes();
        var dims = plan.Dimensions;
        int outer = dims.Length - 2;
        int rows = dims[^2], cols = dims[^1];
        long calls = 1;
        for (int i = 0; i < outer; i++) calls *= dims[i];
        // Outer axes beyond the kernel's two: one call per index, walking the operands' offsets like an odometer.
        var index = new int[outer];
        long aOffset = 0, bOffset = 0, yOffset = 0;
        for (long call = 0; call < calls; call++)
        {
            kernel.Invoke([
                checked((int)(a.Address + aOffset * size)), checked((int)(b.Address + bOffset * size)), checked((int)(y.Address + yOffset * size)),
                rows, cols, plan.AStrides[^2], plan.AStrides[^1], plan.BStrides[^2], plan.BStrides[^1],
            ]);
            yOffset += (long)rows * cols;
            for (int axis = outer - 1; axis >= 0; axis--)
            {
                aOffset += plan.AStrides[axis];
                bOffset += plan.BStrides[axis];
                if (++index[axis] < dims[axis]) break;
                aOffset -= (long)plan.AStrides[axis] * dims[axis];
                bOffset -= (long)plan.BStrides[axis] * dims[axis];
                index[axis] = 0;
            }
        }
    }

    internal WasmTensor<T> BinaryWithScalar<T>(BinaryOperation operation, WasmTensor<T> a, T b) where T : unmanaged
    {
        using var scalar = Scalar(b);
        return Binary(operation, a, scalar);
    }

    internal WasmTensor<T> ScalarWithBinary<T>(BinaryOperation operation, T a, WasmTensor<T> b) where T : unmanaged
    {
        using var scalar = Scalar(a);
        return Binary(operation, scalar, b);
    }

    internal WasmTensor<T> Unary<T>(UnaryOperation operation, WasmTensor<T> x) where T : unmanaged
    {
        CheckOwned(x);
        if (!KernelCatalog.HasUnary(operation, x.ElementType)) throw new NotSupportedException($"{operation} has no {x.ElementType} kernel");
        var kernel = Kernel(KernelCatalog.UnaryName(operation, x.ElementType));
        return Run(Empty<T>(x.ShapeArray), y => kernel.Invoke([x.Address, y.Address, x.Length]));
    }

    internal WasmTensor<float> Clip(WasmTensor<float> x, float min, float max)
    {
        CheckOwned(x);
        var y = Empty<float>(x.ShapeArray);
        Kernel(KernelCatalog.ClipFloat32).Invoke([x.Address, y.Address, x.Length, BitConverter.SingleToInt32Bits(min), BitConverter.SingleToInt32Bits(max)]);
        return y;
    }

    internal WasmTensor<sbyte> QuantizeLinear(WasmTensor<float> x, float scale, sbyte zeroPoint) =>
        LinearQuantization<float, sbyte>(KernelCatalog.QuantizeLinearInt8, x, scale, zeroPoint);

    internal WasmTensor<float> DequantizeLinear(WasmTensor<sbyte> x, float scale, sbyte zeroPoint) =>
        LinearQuantization<sbyte, float>(KernelCatalog.DequantizeLinearInt8, x, scale, zeroPoint);

    /// <summary>QuantizeLinear or DequantizeLinear (<paramref name="kernel"/>): x to a new tensor of its shape.</summary>
    private WasmTensor<TOut> LinearQuantization<TIn, TOut>(string kernel, WasmTensor<TIn> x, float scale, sbyte zeroPoint) where TIn : unmanaged where TOut : unmanaged
    {
        CheckOwned(x);
        CheckScale(scale);
        var y = Empty<TOut>(x.ShapeArray);
        Kernel(kernel).Invoke([x.Address, y.Address, x.Length, BitConverter.SingleToInt32Bits(scale), zeroPoint]);
        return y;
    }

    private static void CheckScale(float scale)
    {
        if (!(scale > 0) || !float.IsFinite(scale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "a quantization scale must be positive and finite");
    }

    internal WasmTensor<float> Softmax(WasmTensor<float> x)
    {
        CheckOwned(x);
        if (x.Rank == 0) throw new ArgumentException("softmax needs at least one axis", nameof(x));
        var y = Empty<float>(x.ShapeArray);
        int cols = x.Shape[^1];
        Kernel(KernelCatalog.SoftmaxFloat32).Invoke([x.Address, y.Address, cols == 0 ? 0 : x.Length / cols, cols]);
        return y;
    }

    /// <summary>[..., m, k] x [k, n] (one call over all leading rows) or [b..., m, k] x [b..., k, n] (one call per batch).</summary>
    internal WasmTensor<TOut> MatMul<TIn, TOut>(string kernelName, WasmTensor<TIn> a, WasmTensor<TIn> b) where TIn : unmanaged where TOut : unmanaged
    {
        CheckOwned(a);
        CheckOwned(b);
        if (a.Rank < 1 || b.Rank < 2) throw new ArgumentException($"MatMul needs a of rank >= 1 and b of rank >= 2, got [{string.Join(", ", a.ShapeArray)}] and [{string.Join(", ", b.ShapeArray)}]");
        int k = a.Shape[^1];
        int m = a.Rank == 1 ? 1 : a.Shape[^2];
        int n = b.Shape[^1];
        if (b.Shape[^2] != k) throw new ArgumentException($"MatMul: a has {k} columns but b has {b.Shape[^2]} rows");
        var kernel = Kernel(kernelName);
        int inSize = a.ElementType.SizeInBytes(), outSize = ElementTypeExtensions.Of<TOut>().SizeInBytes();
        // The kernel packs 8 columns of b at a time into scratch.
        int scratch = Allocator.Allocate(8L * k * inSize);
        try
        {
            if (b.Rank == 2)
            {
                int[] shape = a.Rank == 1 ? [n] : [.. a.ShapeArray[..^1], n];
                int rows = a.Rank == 1 ? 1 : TensorLength(shape) / Math.Max(n, 1);
                return Run(Empty<TOut>(shape), y => kernel.Invoke([a.Address, b.Address, y.Address, rows, k, n, scratch]));
            }
            if (a.Rank != b.Rank || !a.Shape[..^2].SequenceEqual(b.Shape[..^2]))
            {
                throw new ArgumentException($"MatMul: batch dimensions differ: [{string.Join(", ", a.ShapeArray)}] and [{string.Join(", ", b.ShapeArray)}]");
            }
            int batches = TensorLength(a.Shape[..^2]);
            return Run(Empty<TOut>([.. a.ShapeArray[..^1], n]), y =>
            {
                for (int i = 0; i < batches; i++)
                {
                    kernel.Invoke([a.Address + i * m * k * inSize, b.Address + i * k * n * inSize, y.Address + i * m * n * outSize, m, k, n, scratch]);
                }
            });
        }
        finally
        {
            Allocator.Free(scratch);
        }
    }

    /// <summary>Runs the kernel call(s) writing <paramref name="y"/>; disposes it if they fail (a trap) so it does not leak.</summary>
    private static WasmTensor<T> Run<T>(WasmTensor<T> y, Action<WasmTensor<T>> call) where T : unmanaged
    {
        try
        {
            call(y);
            return y;
        }
        catch
        {
            y.Dispose();
            throw;
        }
    }

    private static int TensorLength(ReadOnlySpan<int> shape)
    {
        long length = 1;
        foreach (int d in shape) length *= d;
        return checked((int)length);
    }

    internal WasmTensor<float> Conv2d(WasmTensor<float> x, WasmTensor<float> weights, WasmTensor<float>? bias, int strideH, int strideW, int padH, int padW)
    {
        CheckOwned(x);
        CheckOwned(weights);
        if (bias is not null) CheckOwned(bias);
        if (x.Rank != 4 || weights.Rank != 4) throw new ArgumentException("Conv2d takes x as [n, c, h, w] and weights as [k, c, r, s]");
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        int k = weights.Shape[0], r = weights.Shape[2], s = weights.Shape[3];
        if (weights.Shape[1] != c) throw new ArgumentException($"Conv2d: x has {c} channels, weights expect {weights.Shape[1]}");
        if (bias is not null && bias.Length != k) throw new ArgumentException($"Conv2d: bias has {bias.Length} values for {k} output channels");
        if (strideH < 1 || strideW < 1 || padH < 0 || padW < 0) throw new ArgumentException("Conv2d: strides must be >= 1 and padding >= 0");
        int oh = (h + 2 * padH - r) / strideH + 1, ow = (w + 2 * padW - s) / strideW + 1;
        if (oh < 1 || ow < 1) throw new ArgumentException($"Conv2d: a {r}x{s} kernel does not fit a padded {h}x{w} image");
        bool direct = r == 1 && s == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0;
        long patches = direct ? 0 : (long)c * r * s * oh * ow;
        int scratch = Allocator.Allocate((patches + 8L * c * r * s) * sizeof(float));
        try
        {
            return Run(Empty<float>([n, k, oh, ow]), y => Kernel(KernelCatalog.Conv2dFloat32)
                .Invoke([x.Address, weights.Address, bias?.Address ?? 0, y.Address, scratch, n, c, h, w, k, r, s, strideH, strideW, padH, padW]));
        }
        finally
        {
            Allocator.Free(scratch);
        }
    }

    internal WasmTensor<float> Pool2d(string kernelName, WasmTensor<float> x, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, bool? countIncludePad)
    {
        CheckOwned(x);
        if (x.Rank != 4) throw new ArgumentException("pooling takes x as [n, c, h, w]");
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || padH < 0 || padW < 0 || padH >= kernelH || padW >= kernelW)
        {
            throw new ArgumentException("pooling: kernel and strides must be >= 1, padding >= 0 and smaller than the kernel");
        }
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        int oh = (h + 2 * padH - kernelH) / strideH + 1, ow = (w + 2 * padW - kernelW) / strideW + 1;
        if (oh < 1 || ow < 1) throw new ArgumentException($"pooling: a {kernelH}x{kernelW} window does not fit a padded {h}x{w} image");
        var y = Empty<float>([n, c, oh, ow]);
        var kernel = Kernel(kernelName);
        if (countIncludePad is { } include)
        {
            kernel.Invoke([x.Address, y.Address, n * c, h, w, kernelH, kernelW, strideH, strideW, padH, padW, include ? 1 : 0]);
        }
        else
        {
            kernel.Invoke([x.Address, y.Address, n * c, h, w, kernelH, kernelW, strideH, strideW, padH, padW]);
        }
        return y;
    }

    private void CheckOwned<T>(WasmTensor<T> tensor) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(tensor);
        tensor.ThrowIfDisposed();
        if (!ReferenceEquals(tensor.Library, this)) throw new ArgumentException("the tensor belongs to another KernelLibrary", nameof(tensor));
    }
}
