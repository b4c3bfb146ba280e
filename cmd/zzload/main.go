package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nalgae/nalgae/api"
	"github.com/nalgae/nalgae/models"
)

func main() {
	db, err := models.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	store := models.NewStore(db)
	tokens, _ := api.NewTokens([]byte("abcdefghijabcdefghijabcdefghij1234"))
	srv := api.New(api.Config{Store: store, Tokens: tokens, Version: "x", LoginPerMinute: 100000, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	h := srv.Handler()
	var u models.User
	db.First(&u, 1)
	tok, _ := tokens.Issue(&u)
	path := os.Args[2]
	f, _ := os.Create("/tmp/cpu2.prof")
	pprof.StartCPUProfile(f)
	var n atomic.Int64
	var wg sync.WaitGroup
	stop := time.Now().Add(5 * time.Second)
	for w := 0; w < 32; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; time.Now().Before(stop); i += 32 {
				req := httptest.NewRequest("GET", fmt.Sprintf(path, 1+i%1000), nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					panic(rec.Body.String())
				}
				n.Add(1)
			}
		}(w)
	}
	wg.Wait()
	pprof.StopCPUProfile()
	fmt.Println(path, float64(n.Load())/5, "req/s")
}
