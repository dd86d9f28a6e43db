using Csp.Risk;

RiskApp.Build(args).Run();
