using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Passes;

/// <summary>Options for <see cref="PassPipeline"/>.</summary>
/// <param name="Verify">Run the <see cref="Verifier"/> after every pass (always on in tests; on by default in Debug builds).</param>
/// <param name="Fuse">Record elementwise epilogues (off for backends that want one op per node).</param>
public sealed record PassOptions(bool Verify = PassOptions.VerifyByDefault, bool Fuse = true)
{
#if DEBUG
    private const bool VerifyByDefault = true;
#else
    private const bool VerifyByDefault = false;
#endif
}

/// <summary>The compiler's graph optimisation pipeline, in order.</summary>
public static class PassPipeline
{
    /// <summary>The passes, in the order they run.</summary>
    public static IReadOnlyList<IGraphPass> Passes(PassOptions options)
    {
        List<IGraphPass> passes =
        [
            // Types first: the importer inferred them node by node, but declared shapes may be refined.
            new InferShapes(),
            // Identity/Dropout are no-ops at inference; removing them exposes Conv -> BN and Conv -> Relu pairs.
            new EliminateIdentities(),
            // Collapses Shape/Gather/Concat chains and precomputes anything with constant inputs.
            new FoldConstants(),
            // Before fusion: BN must still be a separate node that directly follows its Conv.
            new FoldBatchNormIntoConv(),
            // Folding leaves dead shape-chain nodes and unused initializers behind.
            new EliminateDeadNodes(),
        ];
        if (options.Fuse)
        {
            // Last: fusion turns consumers into epilogues, after which no pass looks for them as nodes.
            passes.Add(new FuseElementwise());
        }
        // Final types for the backend.
        passes.Add(new InferShapes());
        return passes;
    }

    /// <summary>Runs every pass on <paramref name="graph"/>, verifying after each when requested.</summary>
    /// <exception cref="GraphException">A pass failed or left the graph invalid (the message names the pass).</exception>
    public static void Run(Graph graph, PassOptions? options = null)
    {
        options ??= new PassOptions();
        if (options.Verify)
        {
            Verifier.Verify(graph, "import");
        }
        foreach (var pass in Passes(options))
        {
            pass.Run(graph);
            if (options.Verify)
            {
                Verifier.Verify(graph, pass.GetType().Name);
            }
        }
    }
}
