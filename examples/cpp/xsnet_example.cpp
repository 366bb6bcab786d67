// Calls xsnet from C++ through its C API: a carbon spectrum, and the errors it refuses.
//   swift build -c release --product XSNetC
//   c++ -std=c++17 -I include examples/cpp/xsnet_example.cpp -L .build/release -lXSNetC -Wl,-rpath,$PWD/.build/release -o xsnet_example
//   ./xsnet_example Models/C12.xsnet 0.56 36 0.05 0.1 0.2
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "xsnet.h"

int main(int argc, char **argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: %s MODEL E_GeV theta_deg omega_GeV [omega_GeV ...]\n", argv[0]);
        return 2;
    }
    xsnet_model *model = nullptr;
    if (xsnet_open(argv[1], &model) != XSNET_OK) {
        std::fprintf(stderr, "error: %s\n", xsnet_last_error());
        return 1;
    }
    const double energy = std::atof(argv[2]), theta = std::atof(argv[3]);
    std::printf("omega_GeV,sigma_nb_per_sr_GeV,sigma_sd\n");
    for (int i = 4; i < argc; ++i) {
        double mean = 0, sd = 0;
        const double omega = std::atof(argv[i]);
        if (xsnet_predict(model, energy, theta, omega, &mean, &sd) != XSNET_OK) {
            std::fprintf(stderr, "error: %s\n", xsnet_last_error());
            xsnet_close(model);
            return 1;
        }
        std::printf("%.17g,%.17g,%.17g\n", omega, mean, sd);
    }
    // The batch call gives the same numbers.
    std::vector<double> E(argc - 4, energy), T(argc - 4, theta), W, M(argc - 4);
    for (int i = 4; i < argc; ++i) W.push_back(std::atof(argv[i]));
    if (xsnet_predict_batch(model, W.size(), E.data(), T.data(), W.data(), M.data(), nullptr) != XSNET_OK) {
        std::fprintf(stderr, "error: %s\n", xsnet_last_error());
        return 1;
    }
    for (size_t i = 0; i < W.size(); ++i) std::printf("batch,%.17g,%.17g\n", W[i], M[i]);
    // An unphysical point is refused with a code and a message, never a silent value.
    double mean = -1;
    int code = xsnet_predict(model, energy, theta, energy + 1, &mean, nullptr);
    std::printf("unphysical,%d,%s\n", code, xsnet_last_error());
    xsnet_close(model);
    return 0;
}
