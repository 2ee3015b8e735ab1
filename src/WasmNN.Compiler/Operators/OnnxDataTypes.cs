using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Mapping between ONNX TensorProto.DataType codes and <see cref="DataType"/>.</summary>
public static class OnnxDataTypes
{
    /// <summary>The IR type for an ONNX data type code, or null when the IR does not support it.</summary>
    public static DataType? FromOnnx(int code) => DataTypes.All.FirstOrDefault(t => t.OnnxCode == code)?.Type;

    /// <summary>The ONNX data type code of an IR type.</summary>
    public static int ToOnnx(DataType type) => type.Info().OnnxCode;

    /// <summary>The ONNX name of a data type code (for error messages).</summary>
    public static string Name(int code) => code switch
    {
        1 => "FLOAT", 2 => "UINT8", 3 => "INT8", 4 => "UINT16", 5 => "INT16", 6 => "INT32", 7 => "INT64",
        8 => "STRING", 9 => "BOOL", 10 => "FLOAT16", 11 => "DOUBLE", 12 => "UINT32", 13 => "UINT64",
        14 => "COMPLEX64", 15 => "COMPLEX128", 16 => "BFLOAT16", _ => $"data type {code}",
    };
}
