namespace WasmNN.Serving.Protocol;

/// <summary>
/// A request the server answers with a v2 error body (<c>{"error": "..."}</c>) and <see cref="StatusCode"/>: the
/// message names the model, input and element at fault, as the house rules ask of every error.
/// </summary>
public sealed class InferenceException : Exception
{
    /// <summary>An error answered with <paramref name="statusCode"/>.</summary>
    public InferenceException(int statusCode, string message) : base(message) => StatusCode = statusCode;

    /// <summary>The HTTP status of the answer (4xx for the client's mistakes, 5xx for the model's failures).</summary>
    public int StatusCode { get; }

    /// <summary>A 400 Bad Request.</summary>
    public static InferenceException BadRequest(string message) => new(400, message);
}
