import { redactRun, redactText, redactUrl } from './redact';

describe('credentials never reach a report', () => {
  it('drops user:password from URLs and masks secret query parameters', () => {
    expect(redactUrl('https://alice:s3cret@mlflow.example:5000/')).toBe('https://mlflow.example:5000/');
    expect(redactUrl('http://127.0.0.1:5000?token=abc&x=1')).not.toContain('abc');
    expect(redactText('uri=postgresql://bob:pw@db/x and more')).toBe('uri=postgresql://db/x and more');
    expect(redactText('MLFLOW_TRACKING_PASSWORD=hunter2 ok')).toBe('MLFLOW_TRACKING_PASSWORD=*** ok');
  });

  it('drops params/tags with secret-looking names and cleans the others', () => {
    const r = redactRun({
      runId: 'r', experimentId: '1', experimentName: 'e', runName: 'n', status: 'FINISHED', startTime: 0, metrics: {},
      params: { api_key: 'k', lr: '0.001', db: 'mysql://u:p@h/d' },
      tags: { 'mlflow.password': 'x', 'kdlab.method': 'm' },
    });
    expect(r.params).toEqual({ lr: '0.001', db: 'mysql://h/d' });
    expect(r.tags).toEqual({ 'kdlab.method': 'm' });
  });
});
