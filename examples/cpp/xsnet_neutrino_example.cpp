// Charged-current ν_μ cross sections from C++ through the C API, as a generator would ask for them:
// d²σ/dT_μ dcosθ_μ per nucleus with the spread over the electron model's members, and whether the
// learned responses are read where the electron data do not reach.
//   swift build -c release --product XSNetC
//   c++ -std=c++17 -I include examples/cpp/xsnet_neutrino_example.cpp -L .build/release -lXSNetC -Wl,-rpath,$PWD/.build/release -o xsnet_neutrino_example
//   ./xsnet_neutrino_example Models/C12-ensemble.xsnet C12 0.8 0.9 0.3 0.5 0.7
// MODEL "rfg" takes the relativistic Fermi gas instead of an electron model.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "xsnet.h"

int main(int argc, char **argv) {
    if (argc < 6) {
        std::fprintf(stderr, "usage: %s MODEL|rfg NUCLEUS E_nu_GeV cos_theta_mu T_mu_GeV [T_mu_GeV ...]\n", argv[0]);
        return 2;
    }
    const char *electron = std::strcmp(argv[1], "rfg") == 0 ? nullptr : argv[1];
    // The reduced functions are tabulated once, when the model opens, in steps of 0.05 GeV in |q|:
    // coarser than the default (0, for 0.01 GeV) so that this example opens in seconds.
    xsnet_neutrino *model = nullptr;
    if (xsnet_neutrino_open(electron, argv[2], 14, 1.03, 0.05, &model) != XSNET_OK) {
        std::fprintf(stderr, "error: %s\n", xsnet_last_error());
        return 1;
    }
    const size_t n = argc - 5;
    std::vector<double> E(n, std::atof(argv[3])), c(n, std::atof(argv[4])), T, mean(n), sd(n);
    for (int i = 5; i < argc; ++i) T.push_back(std::atof(argv[i]));
    std::vector<int> outside(n);
    // Many points at once (on every core); NaN where no muon of that energy can be made.
    if (xsnet_neutrino_predict_many(model, n, E.data(), T.data(), c.data(), mean.data(), sd.data()) != XSNET_OK ||
        xsnet_neutrino_extrapolation(model, n, E.data(), T.data(), c.data(), outside.data()) != XSNET_OK) {
        std::fprintf(stderr, "error: %s\n", xsnet_last_error());
        xsnet_neutrino_close(model);
        return 1;
    }
    std::printf("T_mu_GeV,d2sigma_dTdcos_cm2_per_GeV,d2sigma_dTdcos_std,extrapolation\n");
    for (size_t i = 0; i < n; ++i) std::printf("%.17g,%.17g,%.17g,%d\n", T[i], mean[i], sd[i], outside[i]);
    // A neutrino energy beyond the reduced functions' grid (3 GeV) is refused, never extrapolated silently.
    double value = -1;
    int code = xsnet_neutrino_predict(model, 5.0, 0.5, c[0], &value, nullptr);
    std::printf("unphysical,%d,%s\n", code, xsnet_last_error());
    xsnet_neutrino_close(model);
    return 0;
}
