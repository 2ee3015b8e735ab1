using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>
/// Sliding-window geometry shared by Conv, MaxPool and AveragePool: effective padding and output size per
/// spatial dimension, resolving ONNX auto_pad and ceil_mode.
/// </summary>
/// <param name="Kernel">Kernel size per spatial dimension.</param>
/// <param name="Strides">Stride per spatial dimension.</param>
/// <param name="Dilations">Dilation per spatial dimension.</param>
/// <param name="PadBegin">Padding before each spatial dimension.</param>
/// <param name="PadEnd">Padding after each spatial dimension.</param>
/// <param name="Output">Output size per spatial dimension (-1 when the input size is unknown).</param>
public sealed record WindowGeometry(int[] Kernel, int[] Strides, int[] Dilations, int[] PadBegin, int[] PadEnd, int[] Output)
{
    /// <summary>Computes the geometry.</summary>
    /// <remarks>
    /// Explicit pads: out = floor((in + pb + pe - ((k - 1) * d + 1)) / s) + 1 (ceil with ceil_mode, dropping a last
    /// window that would start inside the end padding). SAME_*: out = ceil(in / s), total padding
    /// max(0, (out - 1) * s + (k - 1) * d + 1 - in), the odd element at the end (UPPER) or start (LOWER).
    /// VALID: no padding.
    /// </remarks>
    public static WindowGeometry Compute(int[] input, int[] kernel, long[]? strides, long[]? dilations, long[]? pads, string autoPad, bool ceilMode)
    {
        var n = input.Length;
        if (kernel.Length != n)
        {
            throw new OperatorException($"kernel has {kernel.Length} spatial dimensions but the input has {n}");
        }
        var s = Expand(strides, n, "strides");
        var d = Expand(dilations, n, "dilations");
        var padBegin = new int[n];
        var padEnd = new int[n];
        if (pads is not null && autoPad is "NOTSET" or "")
        {
            if (pads.Length != 2 * n)
            {
                throw new OperatorException($"pads has {pads.Length} entries, expected {2 * n}");
            }
            for (var i = 0; i < n; i++)
            {
                padBegin[i] = (int)pads[i];
                padEnd[i] = (int)pads[i + n];
            }
        }
        var output = new int[n];
        for (var i = 0; i < n; i++)
        {
            var extent = (kernel[i] - 1) * d[i] + 1;
            if (input[i] < 0)
            {
                output[i] = -1;
                continue;
            }
            switch (autoPad)
            {
                case "NOTSET" or "":
                    var span = input[i] + padBegin[i] + padEnd[i] - extent;
                    if (span < 0)
                    {
                        throw new OperatorException($"window of extent {extent} is larger than the padded input ({input[i] + padBegin[i] + padEnd[i]}) in spatial dimension {i}");
                    }
                    output[i] = (ceilMode ? (span + s[i] - 1) / s[i] : span / s[i]) + 1;
                    if (ceilMode && (output[i] - 1) * s[i] >= input[i] + padBegin[i])
                    {
                        output[i]--;
                    }
                    break;
                case "VALID":
                    output[i] = (input[i] - extent + s[i]) / s[i];
                    break;
                case "SAME_UPPER" or "SAME_LOWER":
                    output[i] = (input[i] + s[i] - 1) / s[i];
                    var total = Math.Max(0, (output[i] - 1) * s[i] + extent - input[i]);
                    padBegin[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
                    padEnd[i] = total - padBegin[i];
                    break;
                default:
                    throw new OperatorException($"unknown auto_pad '{autoPad}'");
            }
        }
        return new WindowGeometry(kernel, s, d, padBegin, padEnd, output);
    }

    private static int[] Expand(long[]? values, int n, string name)
    {
        if (values is null || values.Length == 0)
        {
            return [.. Enumerable.Repeat(1, n)];
        }
        if (values.Length != n || Array.Exists(values, v => v < 1))
        {
            throw new OperatorException($"{name} must have {n} positive entries, got [{string.Join(", ", values)}]");
        }
        return [.. values.Select(v => (int)v)];
    }
}
