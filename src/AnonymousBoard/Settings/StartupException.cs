namespace AnonymousBoard.Settings;

/// <summary>Thrown when the board cannot start (a setting it cannot use, say); the message says what to do.</summary>
public sealed class StartupException(string message) : Exception(message);
