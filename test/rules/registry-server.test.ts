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
    ['quay.io?x=1', 'query, fragment or user name'],
    ['quay.io#f', 'query, fragment or user name'],
    ['u:p@quay.io', 'query, fragment or user name'],
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
