using WasmNN.CodeGen;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Kernels.Generation;

/// <summary>
/// FP32 NCHW convolution as im2col plus the library's own matrix product: per image, the patches go to scratch as a
/// (c*r*s) x (oh*ow) matrix, then <c>y[n] = w (k x c*r*s) * patches</c>, then the bias is added per output channel.
/// A 1x1 kernel with stride 1 and no padding multiplies the image directly.
/// </summary>
internal static class ConvKernel
{
    /// <summary>
    /// Parameters: x, w, bias, y, scratch, n, c, h, w_in, k, r, s, stride_h, stride_w, pad_h, pad_w. oh = (h + 2 pad_h - r)
    /// / stride_h + 1 and likewise ow. Scratch holds the patches (c*r*s*oh*ow floats, none for the direct 1x1 case) and
    /// then the product's packed panel (8*c*r*s floats).
    /// </summary>
    public static void Emit(FunctionBuilder e, uint matMulFunction)
    {
        uint x = 0, weights = 1, bias = 2, y = 3, scratch = 4, batch = 5, channels = 6, height = 7, width = 8, outChannels = 9,
            kernelHeight = 10, kernelWidth = 11, strideH = 12, strideW = 13, padH = 14, padW = 15;
        var outHeight = e.Local();
        var outWidth = e.Local();
        var image = e.Local();
        var imageIn = e.Local();
        var imageOut = e.Local();
        var patches = e.Local();
        var pixels = e.Local();
        var panel = e.Local();
        e.Get(height).Get(padH).I32(2).Op(Opcode.I32Mul).Op(Opcode.I32Add).Get(kernelHeight).Op(Opcode.I32Sub).Get(strideH).Op(Opcode.I32DivS)
            .I32(1).Op(Opcode.I32Add).Set(outHeight);
        e.Get(width).Get(padW).I32(2).Op(Opcode.I32Mul).Op(Opcode.I32Add).Get(kernelWidth).Op(Opcode.I32Sub).Get(strideW).Op(Opcode.I32DivS)
            .I32(1).Op(Opcode.I32Add).Set(outWidth);
        e.Product(outHeight, outWidth).Set(pixels);
        // The product's packed panel follows the patches in scratch.
        e.If(() => Direct(e, kernelHeight, kernelWidth, strideH, strideW, padH, padW), () => e.I32(0).Set(panel),
            () => e.Get(channels).Get(kernelHeight).Op(Opcode.I32Mul).Get(kernelWidth).Op(Opcode.I32Mul).Get(pixels).Op(Opcode.I32Mul).I32(4).Op(Opcode.I32Mul).Set(panel));
        e.Get(scratch).Get(panel).Op(Opcode.I32Add).Set(panel);
        e.For(image, batch, () =>
        {
            e.Get(x).Get(image).Get(channels).Op(Opcode.I32Mul).Get(height).Op(Opcode.I32Mul).Get(width).Op(Opcode.I32Mul).I32(4).Op(Opcode.I32Mul)
                .Op(Opcode.I32Add).Set(imageIn);
            e.Get(y).Get(image).Get(outChannels).Op(Opcode.I32Mul).Get(pixels).Op(Opcode.I32Mul).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(imageOut);
            e.If(() => Direct(e, kernelHeight, kernelWidth, strideH, strideW, padH, padW),
                () => e.Get(imageIn).Set(patches),
                () =>
                {
                    EmitIm2Col(e, imageIn, scratch, channels, height, width, kernelHeight, kernelWidth, strideH, strideW, padH, padW, outHeight, outWidth);
                    e.Get(scratch).Set(patches);
                });
            // y[n] (k x oh*ow) = w (k x c*r*s) * patches (c*r*s x oh*ow).
            e.Get(weights).Get(patches).Get(imageOut).Get(outChannels)
                .Get(channels).Get(kernelHeight).Op(Opcode.I32Mul).Get(kernelWidth).Op(Opcode.I32Mul).Get(pixels).Get(panel);
            e.Code.Emit(Opcode.Call, matMulFunction);
            e.If(() => e.Get(bias), () => EmitAddBias(e, bias, imageOut, outChannels, pixels));
        });
        e.Finish();
    }

    /// <summary>Pushes whether the kernel is 1x1 with stride 1 and no padding: the image itself is the patch matrix.</summary>
    private static void Direct(FunctionBuilder e, uint kernelHeight, uint kernelWidth, uint strideH, uint strideW, uint padH, uint padW) =>
        e.Get(kernelHeight).Get(kernelWidth).Op(Opcode.I32Mul).Get(strideH).Get(strideW).Op(Opcode.I32Mul).Op(Opcode.I32Mul)
            .I32(1).Op(Opcode.I32Eq).Get(padH).Get(padW).Op(Opcode.I32Or).Op(Opcode.I32Eqz).Op(Opcode.I32And);

    /// <summary>
    /// patches[(ci*r + kr)*s + ks, oh*ow_count + ow] = x[ci, oh*stride_h - pad_h + kr, ow*stride_w - pad_w + ks], 0 outside.
    /// Per patch row the in-bounds columns form one range [first, last): zero-fill before and after, and copy between
    /// (one <c>memory.copy</c> when stride_w is 1).
    /// </summary>
    private static void EmitIm2Col(FunctionBuilder e, uint imageIn, uint scratch, uint channels, uint height, uint width, uint kernelHeight,
        uint kernelWidth, uint strideH, uint strideW, uint padH, uint padW, uint outHeight, uint outWidth)
    {
        var channel = e.Local();
        var kr = e.Local();
        var ks = e.Local();
        var oh = e.Local();
        var ow = e.Local();
        var inRow = e.Local();
        var first = e.Local();
        var last = e.Local();
        var destination = e.Local();
        var source = e.Local();
        var rowBytes = e.Local();
        e.Get(outWidth).I32(4).Op(Opcode.I32Mul).Set(rowBytes);
        e.Get(scratch).Set(destination);
        e.For(channel, channels, () => e.For(kr, kernelHeight, () => e.For(ks, kernelWidth, () =>
        {
            // first = ceil((pad_w - ks) / stride_w) clamped to [0, ow]; last = ceil((w + pad_w - ks) / stride_w) clamped to [first, ow].
            CeilingDivisionClamped(e, () => e.Get(padW).Get(ks).Op(Opcode.I32Sub), strideW, () => e.I32(0), outWidth);
            e.Set(first);
            CeilingDivisionClamped(e, () => e.Get(width).Get(padW).Op(Opcode.I32Add).Get(ks).Op(Opcode.I32Sub), strideW, () => e.Get(first), outWidth);
            e.Set(last);
            e.For(oh, outHeight, () =>
            {
                e.Get(oh).Get(strideH).Op(Opcode.I32Mul).Get(padH).Op(Opcode.I32Sub).Get(kr).Op(Opcode.I32Add).Set(inRow);
                e.If(() => e.Get(inRow).Get(height).Op(Opcode.I32LtU),
                    () =>
                    {
                        e.Get(destination).I32(0).Get(first).I32(4).Op(Opcode.I32Mul).Code.Emit(Opcode.MemoryFill, 0);
                        // The copy only when the range is non-empty: an empty range may have no valid source address.
                        e.If(() => e.Get(last).Get(first).Op(Opcode.I32GtS), () =>
                        {
                            // source = &x[channel, inRow, first*stride_w - pad_w + ks]
                            e.Get(imageIn).Get(channel).Get(height).Op(Opcode.I32Mul).Get(inRow).Op(Opcode.I32Add).Get(width).Op(Opcode.I32Mul)
                                .Get(first).Get(strideW).Op(Opcode.I32Mul).Op(Opcode.I32Add).Get(padW).Op(Opcode.I32Sub).Get(ks).Op(Opcode.I32Add)
                                .I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(source);
                            e.If(() => e.Get(strideW).I32(1).Op(Opcode.I32Eq),
                                () => e.Get(destination).Get(first).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Get(source)
                                    .Get(last).Get(first).Op(Opcode.I32Sub).I32(4).Op(Opcode.I32Mul).Code.Emit(Opcode.MemoryCopy, 0, 0),
                                () =>
                                {
                                    e.Get(first).Set(ow);
                                    e.While(ow, () => e.Get(last), 1, () =>
                                    {
                                        e.Get(destination).Get(ow).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Get(source).Load(1).Store(1);
                                        e.Get(source).Get(strideW).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(source);
                                    });
                                });
                        });
                        e.Get(destination).Get(last).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add).I32(0)
                            .Get(outWidth).Get(last).Op(Opcode.I32Sub).I32(4).Op(Opcode.I32Mul).Code.Emit(Opcode.MemoryFill, 0);
                    },
                    () => e.Get(destination).I32(0).Get(rowBytes).Code.Emit(Opcode.MemoryFill, 0));
                e.IncrementBy(destination, rowBytes);
            });
        })));
    }

    /// <summary>Pushes <c>min(max(ceil(numerator / divisor), lower), upper)</c>, ceil of a non-positive numerator being 0 or less.</summary>
    private static void CeilingDivisionClamped(FunctionBuilder e, Action numerator, uint divisor, Action lower, uint upper)
    {
        var value = e.Local();
        numerator();
        e.Set(value);
        // For value <= 0 the result is clamped up to lower (>= 0) anyway; use 0 there so the division sees no negatives.
        e.Get(value).Get(divisor).Op(Opcode.I32Add).I32(1).Op(Opcode.I32Sub).Get(divisor).Op(Opcode.I32DivS)
            .I32(0).Get(value).I32(0).Op(Opcode.I32GtS).Op(Opcode.Select).Set(value);
        e.MinI32(() => e.MaxI32(() => e.Get(value), lower), () => e.Get(upper));
    }

    /// <summary>y[kc, p] += bias[kc] for every output channel kc and pixel p (f32x4 steps, scalar tail).</summary>
    private static void EmitAddBias(FunctionBuilder e, uint bias, uint imageOut, uint outChannels, uint pixels)
    {
        var channel = e.Local();
        var p = e.Local();
        var pointer = e.Local();
        var value = e.Local(ValueType.F32);
        var vector = e.Local(ValueType.V128);
        e.Get(imageOut).Set(pointer);
        e.For(channel, outChannels, () =>
        {
            e.Get(bias).Get(channel).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Load(1).Tee(value).Op(Opcode.F32x4Splat).Set(vector);
            e.I32(0).Set(p);
            e.While(p, () => e.Get(pixels).I32(3).Op(Opcode.I32Sub), 4, () =>
                e.Get(pointer).Get(pointer).Load(4).Get(vector).Add(4).Store(4).Increment(pointer, 16));
            e.While(p, () => e.Get(pixels), 1, () =>
                e.Get(pointer).Get(pointer).Load(1).Get(value).Add(1).Store(1).Increment(pointer, 4));
        });
    }
}
