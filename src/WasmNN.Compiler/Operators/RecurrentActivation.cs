using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>The activation functions RNN, GRU and LSTM accept in their 'activations' attribute (those supported here).</summary>
public enum RecurrentActivationKind
{
    /// <summary>1 / (1 + e^-x).</summary>
    Sigmoid,
    /// <summary>tanh x.</summary>
    Tanh,
    /// <summary>max(0, x).</summary>
    Relu,
    /// <summary>max(0, min(1, alpha x + beta)); defaults alpha 0.2, beta 0.5.</summary>
    HardSigmoid,
    /// <summary>x when x &gt;= 0, else alpha x; default alpha 0.01.</summary>
    LeakyRelu,
    /// <summary>alpha x + beta.</summary>
    Affine,
    /// <summary>alpha tanh(beta x).</summary>
    ScaledTanh,
}

/// <summary>One activation of a recurrent cell with its alpha and beta.</summary>
/// <param name="Kind">Which function.</param>
/// <param name="Alpha">activation_alpha (or the function's default).</param>
/// <param name="Beta">activation_beta (or the function's default).</param>
public sealed record RecurrentActivation(RecurrentActivationKind Kind, float Alpha, float Beta)
{
    /// <summary>Sigmoid, the default gate activation.</summary>
    public static RecurrentActivation Sigmoid { get; } = new(RecurrentActivationKind.Sigmoid, 0, 0);

    /// <summary>Tanh, the default cell and hidden activation.</summary>
    public static RecurrentActivation Tanh { get; } = new(RecurrentActivationKind.Tanh, 0, 0);

    /// <summary>f(x) in double precision (the reference).</summary>
    public double Apply(double x) => Kind switch
    {
        RecurrentActivationKind.Sigmoid => 1 / (1 + Math.Exp(-x)),
        RecurrentActivationKind.Tanh => Math.Tanh(x),
        RecurrentActivationKind.Relu => Math.Max(0, x),
        RecurrentActivationKind.HardSigmoid => Math.Max(0, Math.Min(1, Alpha * x + Beta)),
        RecurrentActivationKind.LeakyRelu => x >= 0 ? x : Alpha * x,
        RecurrentActivationKind.Affine => Alpha * x + Beta,
        RecurrentActivationKind.ScaledTanh => Alpha * Math.Tanh(Beta * x),
        _ => throw new InvalidOperationException($"activation {Kind}"),
    };

    /// <summary>
    /// The node's activations, those of <paramref name="defaults"/> for each of <paramref name="directions"/> directions: the 'activations' attribute with
    /// activation_alpha/beta consumed in order by the functions that take them, or <paramref name="defaults"/>.
    /// </summary>
    /// <exception cref="UnsupportedOperatorException">An activation this compiler does not implement.</exception>
    /// <exception cref="OperatorException">The list has the wrong length.</exception>
    public static RecurrentActivation[] Parse(AttributeBag attributes, int directions, IReadOnlyList<RecurrentActivation> defaults)
    {
        var names = attributes.Get("activations") as string[];
        if (names is null)
        {
            return [.. Enumerable.Range(0, directions).SelectMany(_ => defaults)];
        }
        if (names.Length != defaults.Count * directions)
        {
            throw new OperatorException($"'activations' lists {names.Length} functions; {defaults.Count} per direction x {directions} expected");
        }
        var alphas = new Queue<float>(attributes.GetFloats("activation_alpha") ?? []);
        var betas = new Queue<float>(attributes.GetFloats("activation_beta") ?? []);
        float Next(Queue<float> queue, float fallback) => queue.Count > 0 ? queue.Dequeue() : fallback;
        return [.. names.Select(name => name.ToLowerInvariant() switch
        {
            "sigmoid" => Sigmoid,
            "tanh" => Tanh,
            "relu" => new RecurrentActivation(RecurrentActivationKind.Relu, 0, 0),
            "hardsigmoid" => new RecurrentActivation(RecurrentActivationKind.HardSigmoid, Next(alphas, 0.2f), Next(betas, 0.5f)),
            "leakyrelu" => new RecurrentActivation(RecurrentActivationKind.LeakyRelu, Next(alphas, 0.01f), 0),
            "affine" => new RecurrentActivation(RecurrentActivationKind.Affine, Next(alphas, 1f), Next(betas, 0f)),
            "scaledtanh" => new RecurrentActivation(RecurrentActivationKind.ScaledTanh, Next(alphas, 1f), Next(betas, 1f)),
            _ => throw new UnsupportedOperatorException($"activation '{name}' is not supported (Sigmoid, Tanh, Relu, HardSigmoid, LeakyRelu, Affine, ScaledTanh are)"),
        })];
    }
}
