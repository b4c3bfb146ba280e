// The columns of a per-team KPI table (program overview and report), so that
// both pages sort and format the same figures the same way.
//
// A team's ROAS is its ad ROAS (search and shopping ads only, SPEC §2); with
// kinds, each of those kinds' own ROAS follows, so that every highlight's
// figure ("쇼핑검색광고 광고수익률 629%") can be found in the table.
export function teamKpiColumns(t, { withSales = false, kinds = [] } = {}) {
  return [
    { key: 'team_name', label: t('report.team'), sortable: true },
    { key: 'merchant_name', label: t('report.merchant'), sortable: true },
    { key: 'spend', label: t('kpi.spend'), sortable: true, format: 'won', value: (r) => r.total.spend_krw },
    { key: 'revenue', label: t('kpi.revenue'), sortable: true, format: 'won', value: (r) => r.total.revenue_krw },
    { key: 'roas', label: t('kpi.adRoas'), sortable: true, format: 'pct', value: (r) => r.ad_roas_pct ?? null },
    ...kinds.map((k) => ({
      key: 'roas_' + k,
      label: t('kpi.kindRoas', { kind: t('kinds.' + k) }),
      sortable: true,
      format: 'pct',
      value: (r) => r.by_kind?.[k]?.roas_pct ?? null,
    })),
    { key: 'ctr', label: t('kpi.ctr'), sortable: true, format: 'pct', value: (r) => r.total.ctr_pct },
    { key: 'cvr', label: t('kpi.cvr'), sortable: true, format: 'pct', value: (r) => r.total.cvr_pct },
    ...(withSales
      ? [
          { key: 'before', label: t('report.salesBefore'), sortable: true, format: 'won', value: (r) => r.sales_before_krw },
          { key: 'after', label: t('report.salesAfter'), sortable: true, format: 'won', value: (r) => r.sales_after_krw },
        ]
      : []),
    { key: 'growth', label: t('kpi.salesGrowth'), sortable: true, format: 'growth', value: (r) => r.sales_growth_pct },
    // The other growth methods (SPEC §10.2), so that a highlight's bracketed
    // figures can be found in the table too.
    ...(withSales
      ? [
          ['same_period_last_year', 'growth'],
          ['seasonally_adjusted', 'growth'],
          ['difference_in_differences', 'points'],
        ].map(([m, format]) => ({
          key: 'method_' + m,
          label: t('methods.names.' + m),
          sortable: true,
          format,
          value: (r) => r.sales_growth_methods?.[m]?.value_pct ?? null,
        }))
      : []),
  ]
}
