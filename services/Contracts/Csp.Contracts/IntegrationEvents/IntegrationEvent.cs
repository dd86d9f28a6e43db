namespace Csp.Contracts.IntegrationEvents;

/// <summary>
/// An integration event record. Each record declares its own topic, a stable string written once, there and nowhere else
/// (never derived from the CLR type name). Publishing and subscribing take the topic from the type, so a topic and a
/// payload cannot be paired wrongly.
/// </summary>
public interface IIntegrationEvent
{
    static abstract string Topic { get; }
}
