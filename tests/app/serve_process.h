#pragma once
// The backdrop-serve executable (BACKDROP_SERVE_EXECUTABLE, defined by the test's target) started
// and stopped as an operator does, for the process tests.

#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <regex>
#include <string>

namespace backdrop::test {

struct Serve {
  FILE* output = nullptr;  // its stdout; pclose() waits for it
  int port = 0;
  int pid = -1;
};

// Starts backdrop-serve with `arguments` and reads its listening line.
inline Serve start(const std::string& arguments) {
  const std::string command = BACKDROP_SERVE_EXECUTABLE " --listen 127.0.0.1:0 " + arguments;
  Serve serve{popen(command.c_str(), "r")};
  char line[256] = {};
  std::cmatch match;
  if (serve.output && std::fgets(line, sizeof line, serve.output) &&
      std::regex_search(line, match, std::regex("^listening on 127\\.0\\.0\\.1:([0-9]+) \\(pid ([0-9]+)\\)"))) {
    serve.port = std::stoi(match[1]);
    serve.pid = std::stoi(match[2]);
  }
  return serve;
}

// Runs a command line (the backdrop CLI); its stdout, and the exit code in `code`.
inline std::string run(const std::string& command, int& code) {
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (pipe && std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  const int status = pipe ? pclose(pipe) : -1;
  code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

// SIGTERM, then the exit code (-1 when it did not exit normally).
inline int stop(Serve& serve) {
  kill(serve.pid, SIGTERM);
  const int status = pclose(serve.output);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace backdrop::test
