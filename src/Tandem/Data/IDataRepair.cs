namespace Tandem.Data;

/// <summary>
/// A repair of existing data that one SQL migration per provider cannot express. Each runs after the migrations on
/// every start and every <c>tandem migrate</c>, so it must be idempotent (ADR 13). Features register theirs;
/// <see cref="DatabaseSetup.MigrateAsync"/> runs them without knowing the features.
/// </summary>
public interface IDataRepair
{
    Task RunAsync(CancellationToken ct);
}
