// A background script, Flow action or Script Include: queue a quarter of details jobs.
// The scheduled job "Export Guard: process queue" sends each month when it may go.
var runner = new ExportGuardRunner({ authProfile: { type: 'oauth2', sysId: '<OAuth profile sys_id>' },
  clientId: '<its OAuth client id>', integrationId: '<S3 integration for recording exports>' });
var r = runner.request({ profile: 'conversationDetailsJobs', start: '2026-07-01', end: '2026-10-01',
  timeZone: 'America/New_York', channels: ['sms'] });
gs.info('export-guard: ' + r.action + (r.parts ? ', ' + r.parts.length + ' parts' : ''));
