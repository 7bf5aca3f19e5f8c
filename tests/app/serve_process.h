#pragma once
// The backdrop-serve executable (BACKDROP_SERVE_EXECUTABLE, defined by the test's target) started
// and stopped as an operator does, for the process tests.

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <regex>
#include <string>

namespace backdrop::test {

struct Serve {
  FILE* output = nullptr;  // its stdout
  int port = 0;
  int pid = -1;            // the server's, read from its listening line
  int child = -1;          // the process started (the shell exec()s into the server)
};

// Starts backdrop-serve with `arguments` and reads its listening line. The server gets SIGKILL
// when the test process ends, however it ends (a failed check, ctest's timeout), so no server
// outlives its test.
inline Serve start(const std::string& arguments) {
  const std::string command = "exec " BACKDROP_SERVE_EXECUTABLE " --listen 127.0.0.1:0 " + arguments;
  int pipe_ends[2];
  if (pipe2(pipe_ends, O_CLOEXEC) != 0) return {};
  const pid_t parent = getpid();
  const pid_t child = fork();
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the test ended before prctl
    dup2(pipe_ends[1], STDOUT_FILENO);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipe_ends[1]);
  if (child < 0) {
    close(pipe_ends[0]);
    return {};
  }
  Serve serve{fdopen(pipe_ends[0], "r")};
  serve.child = child;
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
  int status = 0;
  const bool waited = serve.child > 0 && waitpid(serve.child, &status, 0) == serve.child;
  if (serve.output) std::fclose(serve.output);
  serve.output = nullptr;
  return waited && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace backdrop::test
