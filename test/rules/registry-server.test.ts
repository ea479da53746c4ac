import { registryServerProblem } from '../../src/rules/registry-server';

describe('registryServerProblem', () => {
  test.each([
    'quay.io', 'registry.example.com:5000', 'https://index.docker.io/v1/', 'http://localhost:5000',
    'registry.example.com/team/app', '10.0.0.1', '[::1]:5000', '*.example.com', 'index.docker.io/v1/', 'localhost',
  ])('%s is accepted', (server) => {
    expect(registryServerProblem(server)).toBeUndefined();
  });

  test.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['a b', 'contains whitespace'],
    ['ssh://quay.io', 'scheme "ssh"'],
    ['HTTPS://quay.io', 'only lowercase http://'],
    ['quay.io?x=1', 'must not contain a query, fragment or "@"'],
    ['quay.io#f', 'must not contain a query, fragment or "@"'],
    ['quay.io/team@x', 'must not contain a query, fragment or "@"'],
    ['u:p@quay.io', 'contains user info'],
    ['https://u:p@quay.io/v2/', 'contains user info'],
    ['https:/u:p@quay.io', 'contains user info'],
    ['http:///u:p@quay.io/v2/', 'contains user info'],
    ['https:u:p@quay.io', 'contains user info'],
    ['reg[0-9].io', 'invalid label'],
    ['https:///path', 'has no host'],
    ['quay.io:', 'port ""'],
    ['quay.io:http', 'port "http"'],
    ['-quay.io', 'invalid label "-quay"'],
    ['quay..io', 'invalid label ""'],
    ['[::1', 'malformed IPv6 host'],
  ])('%j: %s', (server, message) => {
    expect(registryServerProblem(server)).toContain(message);
  });
});
