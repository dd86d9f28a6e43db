using Csp.Kpi;

KpiApp.Build(args).Run();
