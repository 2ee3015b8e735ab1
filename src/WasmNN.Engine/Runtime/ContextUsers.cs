namespace WasmNN.Engine.Runtime;

/// <summary>
/// The contexts of the instances using a memory or table, each holding a copy of what compiled code reads of it
/// (InstanceContext.MemoryBase, Table0Slots) so a function loads it straight from its context argument. Weak: a
/// long-lived memory or table imported by many short-lived instances must not keep them alive. Thread-safe.
/// </summary>
internal sealed class ContextUsers
{
    private readonly List<WeakReference<InstanceContext>> _users = [];

    /// <summary>Adds <paramref name="context"/> and gives it its copy (<paramref name="update"/>).</summary>
    public void Add(InstanceContext context, Action<InstanceContext> update)
    {
        lock (_users)
        {
            // Dead entries go when the list doubles, so it stays proportional to the live users.
            if (_users.Count > 0 && (_users.Count & (_users.Count - 1)) == 0) _users.RemoveAll(u => !u.TryGetTarget(out _));
            _users.Add(new WeakReference<InstanceContext>(context));
            update(context);
        }
    }

    /// <summary>Runs <paramref name="update"/> on every live user, after a change of what they copy.</summary>
    public void Update(Action<InstanceContext> update)
    {
        lock (_users)
        {
            foreach (var user in _users)
            {
                if (user.TryGetTarget(out var context)) update(context);
            }
        }
    }
}
