// Why the Adam kernel is built with -fno-math-errno: the same update loop over 820,801
// parameters (the reference network), timed with and without it.
//   clang -O3 -mavx512f adam_update.c -o adam -lpthread -lm && ./adam
//   clang -O3 -mavx512f -fno-math-errno adam_update.c -o adam2 -lpthread -lm && ./adam2
// With errno semantics every sqrtf keeps a scalar call path and the loop does not vectorize.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <math.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+1e-9*t.tv_nsec;}
void upd(float*restrict th,const float*restrict g,float*restrict m,float*restrict v,size_t n){for(size_t i=0;i<n;i++){float gi=g[i];float mi=0.9f*m[i]+0.1f*gi;float vi=0.999f*v[i]+0.001f*gi*gi;m[i]=mi;v[i]=vi;th[i]-=1e-3f*mi/(sqrtf(vi)+1e-8f);}}
size_t N=820801; float *T,*G,*M,*V;
typedef struct{size_t a,b;int reps;}J;
void*run(void*p){J*j=p;for(int r=0;r<j->reps;r++)upd(T+j->a,G+j->a,M+j->a,V+j->a,j->b-j->a);return 0;}
int main(){T=calloc(N,4);G=calloc(N,4);M=calloc(N,4);V=calloc(N,4);for(size_t i=0;i<N;i++){G[i]=i%7;T[i]=1;}
int reps=200; J all={0,N,reps}; run(&all); double t=now(); run(&all); t=now()-t; printf("1 thread: %.3f ms per update\n",1e3*t/reps);
J a={0,N/2,reps},b={N/2,N,reps}; pthread_t p; t=now(); pthread_create(&p,0,run,&b); run(&a); pthread_join(p,0); t=now()-t; printf("2 threads: %.3f ms per update\n",1e3*t/reps);
N=90000; J s={0,N,reps*10}; run(&s); t=now(); run(&s); t=now()-t; printf("1 thread, one 300x300 layer (L2-resident): %.3f ms\n",1e3*t/(reps*10));}
