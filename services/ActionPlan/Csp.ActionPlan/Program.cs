using Csp.ActionPlan;

ActionPlanApp.Build(args).Run();
