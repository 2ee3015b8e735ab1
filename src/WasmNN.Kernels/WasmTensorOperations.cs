namespace WasmNN.Kernels;

/// <summary>Operations that exist only for some element types: FP32 activations, products, convolution, pooling.</summary>
public static class WasmTensorOperations
{
    /// <summary><c>1 / (1 + e^-x)</c> elementwise.</summary>
    public static WasmTensor<float> Sigmoid(this WasmTensor<float> x) => x.Library.Unary(UnaryOperation.Sigmoid, x);

    /// <summary><c>tanh x</c> elementwise.</summary>
    public static WasmTensor<float> Tanh(this WasmTensor<float> x) => x.Library.Unary(UnaryOperation.Tanh, x);

    /// <summary><c>sin x</c> elementwise.</summary>
    public static WasmTensor<float> Sin(this WasmTensor<float> x) => x.Library.Unary(UnaryOperation.Sin, x);

    /// <summary><c>cos x</c> elementwise.</summary>
    public static WasmTensor<float> Cos(this WasmTensor<float> x) => x.Library.Unary(UnaryOperation.Cos, x);

    /// <summary><c>min(max(x, min), max)</c> elementwise.</summary>
    public static WasmTensor<float> Clip(this WasmTensor<float> x, float min, float max) => x.Library.Clip(x, min, max);

    /// <summary><c>min(max(x, 0), 6)</c> elementwise.</summary>
    public static WasmTensor<float> Relu6(this WasmTensor<float> x) => x.Library.Clip(x, 0f, 6f);

    /// <summary>Softmax over the last axis.</summary>
    /// <remarks><c>y = e^(x - max) / sum e^(x - max)</c> per row of the last axis.</remarks>
    public static WasmTensor<float> Softmax(this WasmTensor<float> x) => x.Library.Softmax(x);

    /// <summary>
    /// Matrix product: <c>[..., m, k] x [k, n] -> [..., m, n]</c>, <c>[k] x [k, n] -> [n]</c>, or batched
    /// <c>[b..., m, k] x [b..., k, n]</c>.
    /// </summary>
    public static WasmTensor<float> MatMul(this WasmTensor<float> a, WasmTensor<float> b) =>
        a.Library.MatMul<float, float>(KernelCatalog.MatMulFloat32, a, b);

    /// <summary>INT8 matrix product with exact INT32 accumulation (shapes as for the FP32 product).</summary>
    public static WasmTensor<int> MatMul(this WasmTensor<sbyte> a, WasmTensor<sbyte> b) =>
        a.Library.MatMul<sbyte, int>(KernelCatalog.MatMulInt8, a, b);

    /// <summary>
    /// QuantizeLinear to INT8 with one scale and zero point (ONNX, onnxruntime):
    /// <c>saturate(round_half_even(x / scale) + zeroPoint)</c> to [-128, 127], the quotient in float32.
    /// </summary>
    public static WasmTensor<sbyte> QuantizeLinear(this WasmTensor<float> x, float scale, sbyte zeroPoint = 0) =>
        x.Library.QuantizeLinear(x, scale, zeroPoint);

    /// <summary>DequantizeLinear from INT8 with one scale and zero point: <c>(x - zeroPoint) * scale</c> in float32.</summary>
    public static WasmTensor<float> DequantizeLinear(this WasmTensor<sbyte> x, float scale, sbyte zeroPoint = 0) =>
        x.Library.DequantizeLinear(x, scale, zeroPoint);

    /// <summary>2-D convolution: x [n, c, h, w], weights [k, c, r, s], optional bias [k] -> [n, k, oh, ow].</summary>
    /// <remarks><c>oh = (h + 2 padding - r) / stride + 1</c>; zero padding on all four sides.</remarks>
    public static WasmTensor<float> Conv2d(this WasmTensor<float> x, WasmTensor<float> weights, WasmTensor<float>? bias = null, int stride = 1, int padding = 0) =>
        x.Library.Conv2d(x, weights, bias, stride, stride, padding, padding);

    /// <summary>2-D convolution with separate vertical and horizontal strides and padding.</summary>
    public static WasmTensor<float> Conv2d(this WasmTensor<float> x, WasmTensor<float> weights, WasmTensor<float>? bias,
        (int Height, int Width) stride, (int Height, int Width) padding) =>
        x.Library.Conv2d(x, weights, bias, stride.Height, stride.Width, padding.Height, padding.Width);

    /// <summary>2-D max pooling of x [n, c, h, w] with a square window; stride defaults to the window size.</summary>
    public static WasmTensor<float> MaxPool2d(this WasmTensor<float> x, int kernelSize, int? stride = null, int padding = 0) =>
        x.Library.Pool2d(KernelCatalog.MaxPool2dFloat32, x, kernelSize, kernelSize, stride ?? kernelSize, stride ?? kernelSize, padding, padding, null);

    /// <summary>2-D average pooling of x [n, c, h, w] with a square window; stride defaults to the window size.</summary>
    /// <param name="x">The input.</param>
    /// <param name="kernelSize">The window's height and width.</param>
    /// <param name="stride">The step between windows.</param>
    /// <param name="padding">Zero padding on every side.</param>
    /// <param name="countIncludePad">Divide by the whole window (true) or by its in-bounds part (false, ONNX's default).</param>
    public static WasmTensor<float> AvgPool2d(this WasmTensor<float> x, int kernelSize, int? stride = null, int padding = 0, bool countIncludePad = false) =>
        x.Library.Pool2d(KernelCatalog.AvgPool2dFloat32, x, kernelSize, kernelSize, stride ?? kernelSize, stride ?? kernelSize, padding, padding, countIncludePad);
}
