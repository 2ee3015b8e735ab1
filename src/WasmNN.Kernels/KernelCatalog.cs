using System.Collections.Immutable;
using WasmNN.Kernels.Generation;

namespace WasmNN.Kernels;

/// <summary>Binary elementwise operations.</summary>
public enum BinaryOperation
{
    /// <summary><c>a + b</c>.</summary>
    Add,
    /// <summary><c>a - b</c>.</summary>
    Sub,
    /// <summary><c>a * b</c>.</summary>
    Mul,
    /// <summary><c>a / b</c> (integers: truncated toward zero).</summary>
    Div,
    /// <summary>The larger of a and b.</summary>
    Max,
    /// <summary>The smaller of a and b.</summary>
    Min,
}

/// <summary>Unary elementwise operations.</summary>
public enum UnaryOperation
{
    /// <summary><c>max(x, 0)</c>.</summary>
    Relu,
    /// <summary><c>-x</c>.</summary>
    Neg,
    /// <summary><c>|x|</c>.</summary>
    Abs,
    /// <summary><c>1 / (1 + e^-x)</c> (float only).</summary>
    Sigmoid,
    /// <summary>Hyperbolic tangent (float only).</summary>
    Tanh,
    /// <summary>Sine (float only).</summary>
    Sin,
    /// <summary>Cosine (float only).</summary>
    Cos,
}

/// <summary>
/// The one table of kernels in <c>wasmnn_ops.wasm</c>. The generator emits exactly these functions, in this order,
/// exported under <see cref="KernelDefinition.Name"/>; the frontend binds to them through the lookups here.
/// </summary>
public static class KernelCatalog
{
    private static readonly string[] s_binaryParameters = ["a", "b", "y", "rows", "cols", "a_row_stride", "a_col_stride", "b_row_stride", "b_col_stride"];
    private static readonly string[] s_unaryParameters = ["x", "y", "count"];

    /// <summary>Every kernel, in function-index order.</summary>
    public static ImmutableArray<KernelDefinition> All { get; } = Build();

    /// <summary>The kernel named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No kernel has that name.</exception>
    public static KernelDefinition Get(string name) =>
        All.FirstOrDefault(k => k.Name == name) ?? throw new KeyNotFoundException($"no kernel named '{name}'");

    /// <summary>The export name of a binary elementwise kernel.</summary>
    public static string BinaryName(BinaryOperation operation, ElementType type) => $"{operation.ToString().ToLowerInvariant()}_{type.Suffix()}";

    /// <summary>The export name of a unary elementwise kernel.</summary>
    public static string UnaryName(UnaryOperation operation, ElementType type) => $"{operation.ToString().ToLowerInvariant()}_{type.Suffix()}";

    /// <summary>True when the library has <paramref name="operation"/> for <paramref name="type"/>.</summary>
    public static bool HasUnary(UnaryOperation operation, ElementType type) =>
        type == ElementType.Float32 || operation is UnaryOperation.Relu or UnaryOperation.Neg or UnaryOperation.Abs;

    /// <summary>Name of the FP32 matrix product.</summary>
    public const string MatMulFloat32 = "matmul_f32";

    /// <summary>Name of the INT8 matrix product with INT32 results.</summary>
    public const string MatMulInt8 = "matmul_i8_i32";

    /// <summary>Name of QuantizeLinear, FP32 to INT8.</summary>
    public const string QuantizeLinearInt8 = "quantizelinear_f32_i8";

    /// <summary>Name of DequantizeLinear, INT8 to FP32.</summary>
    public const string DequantizeLinearInt8 = "dequantizelinear_i8_f32";

    /// <summary>Name of the FP32 clip (Relu6 is clip to [0, 6]).</summary>
    public const string ClipFloat32 = "clip_f32";

    /// <summary>Name of the FP32 softmax over the last axis.</summary>
    public const string SoftmaxFloat32 = "softmax_f32";

    /// <summary>Name of the FP32 NCHW convolution.</summary>
    public const string Conv2dFloat32 = "conv2d_f32";

    /// <summary>Name of the FP32 2-D max pooling.</summary>
    public const string MaxPool2dFloat32 = "maxpool2d_f32";

    /// <summary>Name of the FP32 2-D average pooling.</summary>
    public const string AvgPool2dFloat32 = "avgpool2d_f32";

    private static ImmutableArray<KernelDefinition> Build()
    {
        var kernels = ImmutableArray.CreateBuilder<KernelDefinition>();
        foreach (var type in Enum.GetValues<ElementType>())
        {
            foreach (var operation in Enum.GetValues<BinaryOperation>())
            {
                kernels.Add(new KernelDefinition(BinaryName(operation, type), operation.ToString(), type, type, [.. s_binaryParameters],
                    $"y[i,j] = a[i*a_row_stride + j*a_col_stride] {ElementwiseKernels.Describe(operation, type)} b[i*b_row_stride + j*b_col_stride], strides in elements")
                {
                    Emit = (e, _) => ElementwiseKernels.EmitBinary(e, operation, type),
                });
            }
            foreach (var operation in Enum.GetValues<UnaryOperation>().Where(o => HasUnary(o, type)))
            {
                kernels.Add(new KernelDefinition(UnaryName(operation, type), operation.ToString(), type, type, [.. s_unaryParameters],
                    $"y[i] = {ElementwiseKernels.Describe(operation, type)} for i < count")
                {
                    Emit = (e, _) => ElementwiseKernels.EmitUnary(e, operation, type),
                });
            }
        }
        kernels.Add(new KernelDefinition(ClipFloat32, "Clip", ElementType.Float32, ElementType.Float32, ["x", "y", "count", "min_bits", "max_bits"],
            "y[i] = min(max(x[i], min), max); min and max passed as their IEEE-754 bit patterns")
        {
            Emit = (e, _) => ElementwiseKernels.EmitClip(e),
        });
        kernels.Add(new KernelDefinition(SoftmaxFloat32, "Softmax", ElementType.Float32, ElementType.Float32, ["x", "y", "rows", "cols"],
            "each row of cols: y = e^(x - max) / sum e^(x - max)")
        {
            Emit = (e, _) => SoftmaxKernel.Emit(e),
        });
        kernels.Add(new KernelDefinition(MatMulFloat32, "MatMul", ElementType.Float32, ElementType.Float32, ["a", "b", "c", "m", "k", "n", "scratch"],
            "c[m,n] = sum_k a[m,k] b[k,n], row-major; scratch holds k*32 bytes (packed panels of b); 4x8 f32x4 register tiles, scalar tail")
        {
            Emit = (e, _) => MatMulKernels.EmitFloat32(e),
        });
        kernels.Add(new KernelDefinition(MatMulInt8, "MatMul", ElementType.Int8, ElementType.Int32, ["a", "b", "c", "m", "k", "n", "scratch"],
            "c[m,n] = sum_k a[m,k] b[k,n] with i8 inputs and i32 accumulation (exact while |sum| < 2^31; wraps beyond); scratch holds k*8 bytes")
        {
            Emit = (e, _) => MatMulKernels.EmitInt8(e),
        });
        kernels.Add(new KernelDefinition(QuantizeLinearInt8, "QuantizeLinear", ElementType.Float32, ElementType.Int8, ["x", "y", "count", "scale_bits", "zero_point"],
            "y[i] = saturate(round_half_even(x[i] / scale) + zero_point) to [-128, 127]; scale passed as its IEEE-754 bit pattern")
        {
            Emit = (e, _) => QuantizeKernels.EmitQuantize(e),
        });
        kernels.Add(new KernelDefinition(DequantizeLinearInt8, "DequantizeLinear", ElementType.Int8, ElementType.Float32, ["x", "y", "count", "scale_bits", "zero_point"],
            "y[i] = (x[i] - zero_point) * scale in float32; scale passed as its IEEE-754 bit pattern")
        {
            Emit = (e, _) => QuantizeKernels.EmitDequantize(e),
        });
        kernels.Add(new KernelDefinition(Conv2dFloat32, "Conv2D", ElementType.Float32, ElementType.Float32,
            ["x", "w", "bias", "y", "scratch", "n", "c", "h", "w_in", "k", "r", "s", "stride_h", "stride_w", "pad_h", "pad_w"],
            "NCHW x, KCRS w, optional bias (0 = none), symmetric zero padding; im2col into scratch then matmul_f32; scratch holds (c*r*s*oh*ow + 8*c*r*s) floats, or 8*c*r*s for a 1x1 stride-1 unpadded kernel")
        {
            Emit = (e, context) => ConvKernel.Emit(e, context.FunctionIndex(MatMulFloat32)),
        });
        kernels.Add(new KernelDefinition(MaxPool2dFloat32, "MaxPool", ElementType.Float32, ElementType.Float32, PoolKernels.Parameters(average: false),
            "max over each r x s window of each of `planes` h x w planes; padding is ignored")
        {
            Emit = (e, _) => PoolKernels.Emit(e, average: false),
        });
        kernels.Add(new KernelDefinition(AvgPool2dFloat32, "AveragePool", ElementType.Float32, ElementType.Float32, PoolKernels.Parameters(average: true),
            "mean over each r x s window; divides by r*s when count_include_pad is 1, else by the in-bounds count")
        {
            Emit = (e, _) => PoolKernels.Emit(e, average: true),
        });
        return kernels.ToImmutable();
    }
}
