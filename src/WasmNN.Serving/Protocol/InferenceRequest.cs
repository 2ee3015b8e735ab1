namespace WasmNN.Serving.Protocol;

/// <summary>One output a request asked for, and whether it is to come back as binary tensor data.</summary>
/// <param name="Index">The output's index in the model.</param>
/// <param name="Binary">True: raw little-endian bytes after the JSON header (the binary tensor extension).</param>
public readonly record struct RequestedOutput(int Index, bool Binary);

/// <summary>A decoded v2 inference request, checked against the model and ready to run.</summary>
/// <param name="Id">The client's request id, echoed in the response.</param>
/// <param name="Rows">Rows of a batchable model's batch dimension; 1 otherwise.</param>
/// <param name="Inputs">Each model input's little-endian bytes, in model order (for a batchable model: <paramref name="Rows"/> rows).</param>
/// <param name="Outputs">The outputs to return, in the order the client listed them.</param>
public sealed record InferenceRequest(string? Id, int Rows, byte[][] Inputs, RequestedOutput[] Outputs);
