// The columns of a per-team KPI table (program overview and report), so that
// both pages sort and format the same figures the same way.
export function teamKpiColumns(t, { withSales = false } = {}) {
  return [
    { key: 'team_name', label: t('report.team'), sortable: true },
    { key: 'merchant_name', label: t('report.merchant'), sortable: true },
    { key: 'spend', label: t('kpi.spend'), sortable: true, format: 'won', value: (r) => r.total.spend_krw },
    { key: 'revenue', label: t('kpi.revenue'), sortable: true, format: 'won', value: (r) => r.total.revenue_krw },
    { key: 'roas', label: t('kpi.roas'), sortable: true, format: 'pct', value: (r) => r.total.roas_pct },
    { key: 'ctr', label: t('kpi.ctr'), sortable: true, format: 'pct', value: (r) => r.total.ctr_pct },
    { key: 'cvr', label: t('kpi.cvr'), sortable: true, format: 'pct', value: (r) => r.total.cvr_pct },
    ...(withSales
      ? [
          { key: 'before', label: t('report.salesBefore'), sortable: true, format: 'won', value: (r) => r.sales_before_krw },
          { key: 'after', label: t('report.salesAfter'), sortable: true, format: 'won', value: (r) => r.sales_after_krw },
        ]
      : []),
    { key: 'growth', label: t('kpi.salesGrowth'), sortable: true, format: 'growth', value: (r) => r.sales_growth_pct },
  ]
}
